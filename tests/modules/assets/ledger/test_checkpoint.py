"""C2SP tlog-checkpoint texts, plain and signed."""

from __future__ import annotations

import base64

import pytest

from cityverse.modules.assets.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    CheckpointError,
    InvalidSignatureError,
    MemoryNodeStore,
    Signer,
    UnverifiedNoteError,
    open_checkpoint,
    sign_checkpoint,
)

ORIGIN = "cityverse.example/assets"
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
# The example of the C2SP tlog-checkpoint specification.
SPEC_TEXT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)


def log_checkpoint(size: int = 3) -> Checkpoint:
    store = MemoryNodeStore()
    for i in range(size):
        store.append(f"asset-{i}".encode())
    return Checkpoint(ORIGIN, store.tree_size, store.root())


def test_specification_example_round_trips() -> None:
    checkpoint = Checkpoint.parse(SPEC_TEXT)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.tree_size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.extensions == ()
    assert checkpoint.to_text() == SPEC_TEXT


def test_format_and_extensions() -> None:
    checkpoint = Checkpoint("o", 0, EMPTY_ROOT, ("ext one", "ext=2"))
    text = checkpoint.to_text()
    assert text == f"o\n0\n{base64.b64encode(EMPTY_ROOT).decode()}\next one\next=2\n"
    assert Checkpoint.parse(text) == checkpoint


def test_signed_checkpoint_byte_exact_for_a_fixed_seed() -> None:
    signer = Signer(ORIGIN, SEED)
    checkpoint = log_checkpoint()
    note = sign_checkpoint(checkpoint, [signer])
    signature = base64.b64encode(signer.key_id + signer.sign(checkpoint.to_text().encode()))
    assert note == (
        f"{ORIGIN}\n3\n{base64.b64encode(checkpoint.root_hash).decode()}\n"
        f"\n\u2014 {ORIGIN} {signature.decode()}\n"
    )
    assert open_checkpoint(note, [signer.verifier()], origin=ORIGIN) == (checkpoint, [ORIGIN])


def test_witness_cosignature_and_unknown_keys() -> None:
    log, witness = Signer(ORIGIN, SEED), Signer.generate("witness.example/w1")
    note = sign_checkpoint(log_checkpoint(), [log, witness])
    assert open_checkpoint(note, [log.verifier()])[1] == [ORIGIN]
    assert open_checkpoint(note, [witness.verifier()])[1] == ["witness.example/w1"]
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(note, [Signer.generate(ORIGIN).verifier()])


def test_tampered_checkpoint_is_rejected() -> None:
    log = Signer(ORIGIN, SEED)
    note = sign_checkpoint(log_checkpoint(3), [log])
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(note.replace("\n3\n", "\n4\n", 1), [log.verifier()])


def test_wrong_origin_is_rejected() -> None:
    log = Signer(ORIGIN, SEED)
    note = sign_checkpoint(log_checkpoint(), [log])
    with pytest.raises(CheckpointError, match=r"not 'other\.example'"):
        open_checkpoint(note, [log.verifier()], origin="other.example")


ROOT64 = base64.b64encode(EMPTY_ROOT).decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"o\n1\n{ROOT64}", "end with a newline"),
        ("o\n1\n", "at least 3 lines"),
        (f"\n1\n{ROOT64}\n", "origin"),
        (f"o\n01\n{ROOT64}\n", "leading zeros"),
        (f"o\n00\n{ROOT64}\n", "leading zeros"),
        (f"o\n-1\n{ROOT64}\n", "decimal"),
        (f"o\n+1\n{ROOT64}\n", "decimal"),
        (f"o\n 1\n{ROOT64}\n", "decimal"),
        (f"o\n\u0661\n{ROOT64}\n", "decimal"),  # Arabic-Indic digit one
        (f"o\n1e3\n{ROOT64}\n", "decimal"),
        (f"o\n\n{ROOT64}\n", "decimal"),
        (f"o\n{2**64}\n{ROOT64}\n", "out of range"),
        (f"o\n{'9' * 5000}\n{ROOT64}\n", "decimal"),
        ("o\n1\nAAAA\n", "32 bytes"),
        (f"o\n1\n{ROOT64.rstrip('=')}\n", "base64"),
        (f"o\n1\n{ROOT64[:-2]}V=\n", "base64"),
        (f"o\n1\n{ROOT64.replace('+', '-')}\n", "base64"),
        (f"o\n1\n {ROOT64}\n", "base64"),
        (f"o\n1\n{ROOT64}\n\n", "extension lines must not be empty"),
        (f"o\n1\n{ROOT64}\next\n\n", "extension lines must not be empty"),
        (f"o\r\n1\n{ROOT64}\n", "control character"),
        (f"o\n1\n{ROOT64}\nbad\text\n", "control character"),
    ],
)
def test_malformed_checkpoints_are_rejected(text: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        Checkpoint.parse(text)


def test_constructor_validates() -> None:
    with pytest.raises(CheckpointError, match="origin"):
        Checkpoint("", 1, EMPTY_ROOT)
    with pytest.raises(CheckpointError, match="origin"):
        Checkpoint("two\nlines", 1, EMPTY_ROOT)
    with pytest.raises(CheckpointError, match="out of range"):
        Checkpoint("o", -1, EMPTY_ROOT)
    with pytest.raises(CheckpointError, match="32 bytes"):
        Checkpoint("o", 1, b"\x00" * 31)
    with pytest.raises(CheckpointError, match="empty"):
        Checkpoint("o", 1, EMPTY_ROOT, ("",))
