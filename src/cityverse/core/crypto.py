"""Keys derived from the platform secret, authenticated encryption and keyed digests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret: str, purpose: str) -> bytes:
    """A 256-bit key for one purpose, so one leaked derived key exposes nothing else."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"cityverse", info=purpose.encode())
    return hkdf.derive(secret.encode())


def seal(key: bytes, plaintext: str, associated: bytes = b"") -> str:
    nonce = os.urandom(12)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode(), associated)
    return base64.urlsafe_b64encode(nonce + ciphertext).decode()


def unseal(key: bytes, sealed: str, associated: bytes = b"") -> str:
    raw = base64.urlsafe_b64decode(sealed.encode())
    return AESGCM(key).decrypt(raw[:12], raw[12:], associated).decode()


def keyed_digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
