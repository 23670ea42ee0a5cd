"""C2SP tlog-checkpoint v1.0.0: the signed-note text that states a log's tree head.

    <origin>
    <tree size, decimal>
    <base64 root hash>
    [<extension line>...]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cityverse.modules.assets.ledger.encoding import b64decode_strict, b64encode
from cityverse.modules.assets.ledger.hashing import HASH_SIZE
from cityverse.modules.assets.ledger.note import Signer, Verifier, open_note, sign_note

MAX_TREE_SIZE = 2**64 - 1
"""Tree sizes are uint64 in every other implementation; larger ones would not interoperate."""

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x1f]")  # newlines included: every field is one line


class CheckpointError(ValueError):
    """The text is not a well-formed checkpoint."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin:
            raise CheckpointError("the origin must not be empty")
        _check_line("origin", self.origin)
        if not 0 <= self.tree_size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.tree_size} is out of range")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"root hash must be {HASH_SIZE} bytes, not {len(self.root_hash)}")
        for line in self.extensions:
            if not line:
                raise CheckpointError("extension lines must not be empty")
            _check_line("extension line", line)

    def to_text(self) -> str:
        lines = [self.origin, str(self.tree_size), b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse checkpoint text strictly; every accepted text re-serialises to itself."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(f"a checkpoint has at least 3 lines, this one {len(lines)}")
        origin, size, root, *extensions = lines
        if len(size) > len(str(MAX_TREE_SIZE)) or not _DECIMAL.fullmatch(size):
            raise CheckpointError(f"tree size {size[:30]!r} is not a decimal without leading zeros")
        try:
            root_hash = b64decode_strict(root)
        except ValueError as exc:
            raise CheckpointError(f"root hash is not valid base64: {exc}") from None
        return cls(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[Signer]) -> str:
    """The checkpoint as a signed note. The log's key name should equal its origin."""
    return sign_note(checkpoint.to_text(), signers)


def open_checkpoint(
    note: str, verifiers: Iterable[Verifier], origin: str | None = None
) -> tuple[Checkpoint, list[str]]:
    """Verify a signed checkpoint; return it and the key names that signed it.

    Pass ``origin`` to also require the log one expects: a valid checkpoint of another log
    signed by a shared key must not be taken for this one.
    """
    text, names = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    return checkpoint, names


def _check_line(what: str, value: str) -> None:
    control = _CONTROL.search(value)
    if control is not None:
        raise CheckpointError(f"{what} contains the control character {control.group()!r}")
