from __future__ import annotations

import pytest

from cityverse.core.i18n import negotiate, register_messages, translate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("zh-TW,en;q=0.5", "zh-CN"),
        ("fr, en;q=0.3, zh;q=0.8", "zh-CN"),
        ("fr, de", "zh-CN"),
        ("zh;q=0, en;q=0.1", "en"),
        ("en;q=abc, zh", "zh-CN"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_translate_formats_and_falls_back() -> None:
    register_messages({"test.greet": {"zh-CN": "你好，{name}", "en": "Hello, {name}"}})
    assert translate("test.greet", "en", name="Li") == "Hello, Li"
    assert translate("test.greet", "zh-CN", name="李") == "你好，李"
    assert translate("test.greet", "en") == "Hello, {name}"
    assert translate("no.such.key", "en") == "no.such.key"


def test_every_message_needs_both_languages() -> None:
    with pytest.raises(ValueError, match="lacks"):
        register_messages({"test.half": {"zh-CN": "半"}})
