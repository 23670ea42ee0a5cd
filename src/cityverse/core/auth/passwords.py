"""Password hashing with Argon2id and the password policy."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cityverse.core.errors import FieldError

MIN_LENGTH = 10
MAX_LENGTH = 128

COMMON_PASSWORDS = frozenset(
    line.strip()
    for line in resources.files("cityverse.core.auth")
    .joinpath("common_passwords.txt")
    .read_text("utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
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
