"""Password hashing with Argon2id and the password policy."""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cityverse.core.errors import FieldError

MIN_LENGTH = 10
MAX_LENGTH = 128

# The most used passwords in public breach lists (incl. Chinese ones); anything here is refused.
COMMON_PASSWORDS = frozenset(
    """
    123456789a 1234567890 12345678910 1234567890a 123456789q 1qaz2wsx3edc qwertyuiop
    a123456789 abc1234567 abcd123456 password123 password1234 passw0rd123 qwerty1234
    qwerty12345 1q2w3e4r5t 1q2w3e4r5t6y zaq12wsxcde iloveyou520 woaini1314 woaini520
    5201314abc 1314520abc aa123456789 qq123456789 asdf123456 asdfghjkl1 zxcvbnm123
    admin12345 admin123456 administrator1 welcome123 letmein123 football123 baseball123
    dragon1234 monkey1234 sunshine123 princess123 p@ssw0rd123 11111111a1 a1b2c3d4e5
    1a2b3c4d5e abcdefg123 abcdef1234 qazwsx1234 123qweasdzxc qweasdzxc123 changeme123
    """.split()
)

_HASHER = PasswordHasher()  # Argon2id, RFC 9106 second recommended parameters


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against for unknown users, so timing does not reveal who exists."""
    return _HASHER.hash("not-a-real-password-0")


def password_problems(password: str, username: str, field: str = "password") -> list[FieldError]:
    if len(password) < MIN_LENGTH:
        return [FieldError(field, "password_too_short", {"min": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [FieldError(field, "password_too_long", {"max": MAX_LENGTH})]
    if not (re.search(r"[^\W\d_]", password) and re.search(r"\d", password)):
        return [FieldError(field, "password_needs_letter_digit")]
    if username and username.lower() in password.lower():
        return [FieldError(field, "password_is_username")]
    if password.lower() in COMMON_PASSWORDS:
        return [FieldError(field, "password_common")]
    return []
