"""The checkpoint key: derived from the platform secret unless a signer key is configured, and
always named after the log's origin."""

from __future__ import annotations

import pytest

from cityverse.core.config import Settings
from cityverse.modules.assets.ledger import Signer
from cityverse.modules.assets.ledger.keys import log_signer, log_verifier


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_the_derived_key_depends_on_the_secret_and_is_stable() -> None:
    first = log_signer(settings(secret_key="a" * 40))
    assert first.name == "kunshan.cityverse/ledger"
    assert log_signer(settings(secret_key="a" * 40)).vkey == first.vkey
    assert log_signer(settings(secret_key="b" * 40)).vkey != first.vkey


def test_a_configured_key_is_used() -> None:
    mine = Signer.generate("example.city/ledger")
    chosen = settings(ledger_origin="example.city/ledger", ledger_signing_key=mine.skey)
    assert log_verifier(chosen).vkey == mine.vkey


def test_a_key_named_otherwise_than_the_log_is_refused() -> None:
    other = Signer.generate("another/log")
    with pytest.raises(ValueError, match="not the log origin"):
        log_signer(settings(ledger_signing_key=other.skey))
