"""Errors of the identity core, each with a stable machine-readable code."""

from __future__ import annotations


class CodedError(ValueError):
    """A refusal an API can map to a 4xx body: ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {str(self)!r})"


class IdentityError(CodedError):
    """A DID, key or stored key record cannot be used."""


class CanonicalJsonError(CodedError):
    """A value cannot be written as canonical JSON, or bytes are not canonical JSON."""


class TransactionError(CodedError):
    """A transaction entry is malformed, non-canonical, invalid for its type or wrongly signed."""
