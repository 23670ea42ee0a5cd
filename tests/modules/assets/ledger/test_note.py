"""C2SP signed notes with Ed25519, checked against the reference implementation's examples."""

from __future__ import annotations

import base64
import hashlib

import pytest

from cityverse.modules.assets.ledger import (
    InvalidSignatureError,
    MalformedKeyError,
    MalformedNoteError,
    NoteError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    open_note,
    sign_note,
)

# Example key and note from the documentation of golang.org/x/mod/sumdb/note (data only).
# Ed25519 is deterministic, so signing the same text must reproduce the signature exactly.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    "\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

# The example verifier key and note of the C2SP signed-note specification.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

SEED = bytes(range(32))


def test_reference_note_is_reproduced_byte_for_byte() -> None:
    signer = Signer.from_skey(GO_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.vkey == GO_VKEY
    assert signer.skey == GO_SKEY
    assert sign_note(GO_TEXT, [signer]) == GO_TEXT + "\n" + GO_SIGNATURE
    assert open_note(GO_TEXT + "\n" + GO_SIGNATURE, [Verifier.from_vkey(GO_VKEY)]) == (
        GO_TEXT,
        ["PeterNeumann"],
    )


def test_specification_example_verifies() -> None:
    verifier = Verifier.from_vkey(SPEC_VKEY)
    assert verifier.vkey == SPEC_VKEY
    text, names = open_note(SPEC_NOTE, [verifier])
    assert (text, names) == ("This is an example message.\n", ["example.com/foo"])


def test_key_id_and_key_strings_for_a_fixed_seed() -> None:
    signer = Signer("cityverse.example/log", SEED)
    public = signer.public_key
    assert len(public) == 32
    expected_id = hashlib.sha256(b"cityverse.example/log\n\x01" + public).digest()[:4]
    assert signer.key_id == expected_id
    vkey_b64 = base64.b64encode(b"\x01" + public).decode()
    assert signer.vkey == f"cityverse.example/log+{expected_id.hex()}+{vkey_b64}"
    skey_b64 = base64.b64encode(b"\x01" + SEED).decode()
    assert signer.skey == f"PRIVATE+KEY+cityverse.example/log+{expected_id.hex()}+{skey_b64}"
    assert Signer.from_skey(signer.skey).public_key == public
    note = sign_note("hello\n", [signer])
    text, sig_line = note.split("\n\n")
    assert text == "hello"
    assert sig_line.startswith("\u2014 cityverse.example/log ")
    raw = base64.b64decode(sig_line.split(" ")[2])
    assert raw[:4] == expected_id
    assert len(raw) == 4 + 64
    assert SEED.hex() not in repr(signer)


def test_generated_keys_round_trip() -> None:
    signer = Signer.generate("example.org/witness")
    verifier = Verifier.from_vkey(signer.vkey)
    note = sign_note("a\n\nb\n", [signer])  # the text may hold empty lines
    assert open_note(note, [verifier]) == ("a\n\nb\n", ["example.org/witness"])


def test_tampered_text_or_signature_is_rejected() -> None:
    note = GO_TEXT + "\n" + GO_SIGNATURE
    verifier = Verifier.from_vkey(GO_VKEY)
    with pytest.raises(InvalidSignatureError, match="PeterNeumann"):
        open_note(note.replace("cryptography", "cryptographY"), [verifier])
    signature = base64.b64decode(GO_SIGNATURE.split(" ")[2])
    broken = signature[:-1] + bytes([signature[-1] ^ 1])
    forged = GO_TEXT + "\n\u2014 PeterNeumann " + base64.b64encode(broken).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        open_note(forged, [verifier])


def test_unknown_keys_alone_are_rejected() -> None:
    note = GO_TEXT + "\n" + GO_SIGNATURE
    stranger = Signer("PeterNeumann", SEED).verifier()  # same name, other key ID: unknown
    with pytest.raises(UnverifiedNoteError, match="PeterNeumann"):
        open_note(note, [stranger])
    with pytest.raises(UnverifiedNoteError):
        open_note(note, [])


def test_unknown_signatures_are_ignored_beside_a_known_one() -> None:
    log = Signer("log.example", SEED)
    witness = Signer.generate("witness.example")
    note = sign_note("tree head\n", [witness, log, Signer.generate("other.example")])
    assert open_note(note, [log.verifier()]) == ("tree head\n", ["log.example"])
    both = open_note(note, [log.verifier(), witness.verifier()])
    assert both == ("tree head\n", ["witness.example", "log.example"])
    # A repeated line from the same key counts once.
    lines = note.split("\n")
    doubled = "\n".join([*lines[:-1], lines[3], ""])
    assert open_note(doubled, [log.verifier()])[1] == ["log.example"]


def test_a_known_key_that_fails_rejects_the_note_despite_a_good_one() -> None:
    log, witness = Signer("log.example", SEED), Signer.generate("witness.example")
    good = sign_note("t\n", [log])
    bad = sign_note("u\n", [witness]).split("\n\n")[1]
    with pytest.raises(InvalidSignatureError, match=r"witness\.example"):
        open_note(good + bad, [log.verifier(), witness.verifier()])


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (GO_TEXT + GO_SIGNATURE, "no blank line"),
        (GO_TEXT + "\n" + GO_SIGNATURE.rstrip("\n"), "end with a newline"),
        (GO_TEXT + "\n", "end with a newline"),
        (GO_TEXT + "\n" + GO_SIGNATURE + "\n", "end with a newline"),
        (GO_TEXT + "\n" + GO_SIGNATURE.replace("\u2014", "-"), "em dash"),
        (GO_TEXT + "\n" + GO_SIGNATURE.replace("\u2014 ", "\u2014"), "em dash"),
        (GO_TEXT + "\n" + GO_SIGNATURE.replace(" x08go", "x08go"), "key name"),
        (GO_TEXT + "\n" + GO_SIGNATURE.replace("Peter", "Pe+ter"), "key name"),
        (GO_TEXT + "\n" + GO_SIGNATURE.replace("Peter", "Pe\u00a0ter"), "key name"),
        (GO_TEXT + "\n" + GO_SIGNATURE.replace("x08go", "x08g*"), "base64"),
        (GO_TEXT + "\n" + GO_SIGNATURE.replace("AM=", "AN="), "base64"),
        (GO_TEXT + "\n\u2014 PeterNeumann AAAAAA==\n", "too short"),
        (GO_TEXT + "\n\u2014 PeterNeumann \n", "too short"),
        ("a\tb\n\n" + GO_SIGNATURE, "control character"),
        ("a\r\n\n" + GO_SIGNATURE, "control character"),
        ("a\ud800\n\n" + GO_SIGNATURE, "UTF-8"),
        (GO_TEXT + "\n" + GO_SIGNATURE * 101, "more than 100"),
    ],
)
def test_malformed_notes_are_rejected(note: str, message: str) -> None:
    with pytest.raises(MalformedNoteError, match=message):
        open_note(note, [Verifier.from_vkey(GO_VKEY)])


def test_signing_needs_a_proper_text_and_signers() -> None:
    signer = Signer("log.example", SEED)
    with pytest.raises(MalformedNoteError, match="newline"):
        sign_note("no newline", [signer])
    with pytest.raises(MalformedNoteError, match="control"):
        sign_note("bell\a\n", [signer])
    with pytest.raises(MalformedNoteError, match="at least one"):
        sign_note("text\n", [])


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+0x4f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+Alpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_rejected(vkey: str) -> None:
    with pytest.raises(MalformedKeyError):
        Verifier.from_vkey(vkey)


def test_malformed_signer_keys_are_rejected() -> None:
    for skey in (
        GO_SKEY.removeprefix("PRIVATE+KEY+"),
        GO_SKEY.replace("c74f20a3", "c74f20a4"),
        GO_SKEY.replace("AYEK", "AiEK"),
        GO_SKEY[:-4],
    ):
        with pytest.raises(MalformedKeyError):
            Signer.from_skey(skey)
    with pytest.raises(MalformedKeyError, match="32 bytes"):
        Signer("name", b"short")
    with pytest.raises(MalformedKeyError, match="key name"):
        Signer("has space", SEED)
    with pytest.raises(MalformedKeyError, match="32 bytes"):
        Verifier("name", b"short")


def test_two_keys_under_one_name_and_id_are_refused() -> None:
    good = Verifier.from_vkey(GO_VKEY)

    class Impostor(Verifier):
        """Claims the ID of another key, as only a tampered key list could."""

        @property
        def key_id(self) -> bytes:
            return good.key_id

    twin = Impostor("PeterNeumann", Signer("x", SEED).public_key)
    with pytest.raises(NoteError, match="two different keys"):
        open_note(GO_TEXT + "\n" + GO_SIGNATURE, [good, twin])
    # The same key twice is harmless.
    assert open_note(GO_TEXT + "\n" + GO_SIGNATURE, [good, good])[1] == ["PeterNeumann"]
