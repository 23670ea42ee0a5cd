"""Messages in zh-CN (default) and en, chosen from the Accept-Language header."""

from __future__ import annotations

from typing import Any

DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")

_catalog: dict[str, dict[str, str]] = {}


def register_messages(messages: dict[str, dict[str, str]]) -> None:
    """Add message keys; each key needs both locales so no user sees a raw key."""
    for key, texts in messages.items():
        missing = [loc for loc in LOCALES if loc not in texts]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        _catalog[key] = texts


def negotiate(accept_language: str | None) -> str:
    """Pick the best supported locale from an Accept-Language header (RFC 9110 q-values)."""
    if not accept_language:
        return DEFAULT_LOCALE
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        lang, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((quality, -index, lang.strip().lower()))
    for quality, _, lang in sorted(choices, reverse=True):
        if quality <= 0:
            continue
        if lang.startswith("zh"):
            return "zh-CN"
        if lang.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


def translate(key: str, locale: str, **params: Any) -> str:
    texts = _catalog.get(key)
    if texts is None:
        return key
    text = texts.get(locale) or texts[DEFAULT_LOCALE]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
