"""Device keys: random, shown once, stored as PBKDF2-SHA512 in Mosquitto's `$7$` password-file
form so the same hash authenticates at the embedded broker, the HTTP ingest and an external
Mosquitto (its password file is exported from the registry)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# Keys are 256 random bits, so the hash needs no costly stretching to resist guessing; the
# count is Mosquitto's default and keeps a broker connect well under a millisecond.
ITERATIONS = 101
SALT_BYTES = 12


def new_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(key: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", key.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def key_matches(key: str, stored: str) -> bool:
    parts = stored.split("$")
    if len(parts) != 5 or parts[1] != "7":
        return False
    try:
        iterations = int(parts[2])
        salt = base64.b64decode(parts[3], validate=True)
        expected = base64.b64decode(parts[4], validate=True)
    except ValueError:
        return False
    if not 1 <= iterations <= 1_000_000:
        return False
    digest = hashlib.pbkdf2_hmac("sha512", key.encode(), salt, iterations)
    return hmac.compare_digest(digest, expected)
