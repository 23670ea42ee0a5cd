"""C2SP signed-note v1.0.0 with Ed25519 keys (signature type 0x01).

A note is its text (ending in a newline), a blank line, then one line per signature:
``— <key name> <base64(key ID || signature)>``. Keys travel as the strings of the reference
implementation (golang.org/x/mod/sumdb/note):

- verifier key: ``<name>+<hex key ID>+<base64(0x01 || 32-byte public key)>``
- signer key:   ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>``
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cityverse.modules.assets.ledger.encoding import b64decode_strict, b64encode

ED25519 = 0x01
"""Signature type byte of Ed25519 signatures."""

MAX_SIGNATURES = 100
"""Notes with more signature lines are refused (the spec requires accepting at least 16)."""

_SIGNATURE_PREFIX = "\u2014 "  # em dash, space
_HEX_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")  # ASCII controls other than newline


class NoteError(ValueError):
    """A signed note or key cannot be used."""


class MalformedNoteError(NoteError):
    """The note breaks the signed-note format."""


class MalformedKeyError(NoteError):
    """A key name or key string breaks the format, or its key ID does not match the key."""


class InvalidSignatureError(NoteError):
    """A signature from a known key does not verify: the whole note is rejected."""


class UnverifiedNoteError(NoteError):
    """The note is well formed but carries no signature from any known key."""


def is_valid_key_name(name: str) -> bool:
    """Non-empty, with no Unicode space and no plus (the separator of key strings)."""
    return (
        bool(name)
        and "+" not in name
        and not any(c.isspace() for c in name)
        and _CONTROL.search(name) is None
    )


def ed25519_key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(key name || 0x0A || 0x01 || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


class _NamedKey:
    """What signers and verifiers share: a key name, the public key and its 4-byte key ID."""

    __slots__ = ("_key_id", "_name", "_public_key")

    def __init__(self, name: str, public_key: bytes) -> None:
        if not is_valid_key_name(name):
            raise MalformedKeyError(f"invalid key name {name!r}")
        self._name = name
        self._public_key = bytes(public_key)
        self._key_id = ed25519_key_id(name, public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID that signature lines carry."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        return self._public_key


class Verifier(_NamedKey):
    """A trusted Ed25519 public key under a key name."""

    __slots__ = ("_key",)

    def __init__(self, name: str, public_key: bytes) -> None:
        if len(public_key) != 32:
            raise MalformedKeyError(f"Ed25519 public keys are 32 bytes, got {len(public_key)}")
        super().__init__(name, public_key)
        self._key = Ed25519PublicKey.from_public_bytes(public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
        name, key_id, key = _split_key(vkey, "verifier")
        verifier = cls(name, key)
        if verifier.key_id != key_id:
            raise MalformedKeyError(f"key ID {key_id.hex()} does not match the key of {name}")
        return verifier

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{b64encode(bytes([ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"Verifier({self.vkey!r})"


class Signer(_NamedKey):
    """An Ed25519 signing key under a key name. Keep ``skey`` secret."""

    __slots__ = ("_key",)

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != 32:
            raise MalformedKeyError(f"Ed25519 seeds are 32 bytes, got {len(seed)}")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        super().__init__(name, self._key.public_key().public_bytes_raw())

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``."""
        if not skey.startswith("PRIVATE+KEY+"):
            raise MalformedKeyError("signer keys start with PRIVATE+KEY+")
        name, key_id, seed = _split_key(skey.removeprefix("PRIVATE+KEY+"), "signer")
        signer = cls(name, seed)
        # The key ID names the public key, so it can only be checked after deriving it.
        if signer.key_id != key_id:
            raise MalformedKeyError(f"key ID {key_id.hex()} does not match the key of {name}")
        return signer

    @property
    def skey(self) -> str:
        seed = self._key.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{b64encode(bytes([ED25519]) + seed)}"

    @property
    def vkey(self) -> str:
        return self.verifier().vkey

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, key_id={self.key_id.hex()!r})"


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """The signed note: ``text``, a blank line, one signature line per signer."""
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    _check_characters(text)
    if not signers:
        raise MalformedNoteError("a signed note needs at least one signature")
    message = text.encode()
    lines = [
        f"{_SIGNATURE_PREFIX}{s.name} {b64encode(s.key_id + s.sign(message))}\n" for s in signers
    ]
    return text + "\n" + "".join(lines)


def open_note(note: str, verifiers: Iterable[Verifier]) -> tuple[str, list[str]]:
    """Verify ``note`` against the known keys; return its text and the names that signed it.

    Signatures from unknown keys (name and key ID not both matching a known key) are ignored.
    A known key's failing signature rejects the note, and so does the lack of any signature
    from a known key: the text must not be trusted then.
    """
    _check_characters(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("no blank line separates the text from the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise MalformedNoteError("the signature block must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"more than {MAX_SIGNATURES} signatures")

    known = _index(verifiers)
    message = text.encode()
    verified: list[str] = []
    seen: set[tuple[str, bytes]] = set()
    unknown: list[str] = []
    for line in lines:
        name, key_id, signature = _parse_signature_line(line)
        verifier = known.get((name, key_id))
        if verifier is None:
            unknown.append(f"{name}+{key_id.hex()}")
            continue
        if (name, key_id) in seen:
            continue  # a repeated signature adds nothing
        seen.add((name, key_id))
        if not verifier.verify(message, signature):
            raise InvalidSignatureError(f"the signature of {name}+{key_id.hex()} does not verify")
        verified.append(name)
    if not verified:
        found = ", ".join(unknown)
        raise UnverifiedNoteError(f"no signature from a known key (signed by: {found})")
    return text, verified


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise MalformedNoteError(f"signature line does not start with an em dash: {line[:40]!r}")
    name, space, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
    if not space or not is_valid_key_name(name):
        raise MalformedNoteError(f"signature line has no valid key name: {line[:40]!r}")
    try:
        raw = b64decode_strict(encoded)
    except ValueError as exc:
        raise MalformedNoteError(f"signature of {name} is not valid base64") from exc
    if len(raw) < 5:
        raise MalformedNoteError(f"signature of {name} is too short")
    return name, raw[:4], raw[4:]


def _index(verifiers: Iterable[Verifier]) -> dict[tuple[str, bytes], Verifier]:
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        other = known.setdefault((v.name, v.key_id), v)
        if other.public_key != v.public_key:
            # Only a tampered key list can hold two keys under one name and ID.
            raise NoteError(f"two different keys share the name and ID {v.name}+{v.key_id.hex()}")
    return known


def _check_characters(text: str) -> None:
    control = _CONTROL.search(text)
    if control is not None:
        raise MalformedNoteError(f"control character {control.group()!r} in note")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise MalformedNoteError("note is not valid UTF-8") from None


def _split_key(key: str, kind: str) -> tuple[str, bytes, bytes]:
    """Split ``<name>+<hex key ID>+<base64(0x01 || key)>`` (the base64 may contain '+')."""
    parts = key.split("+", 2)
    if len(parts) != 3 or not _HEX_KEY_ID.fullmatch(parts[1]):
        raise MalformedKeyError(f"malformed {kind} key")
    name, key_id, encoded = parts
    try:
        raw = b64decode_strict(encoded)
    except ValueError as exc:
        raise MalformedKeyError(f"{kind} key of {name} is not valid base64") from exc
    if raw[:1] != bytes([ED25519]):
        raise MalformedKeyError(f"{kind} key of {name} is not an Ed25519 key")
    return name, bytes.fromhex(key_id), raw[1:]
