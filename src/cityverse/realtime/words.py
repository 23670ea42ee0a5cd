"""Sensitive-word filter for chat: every listed word is masked with full-width asterisks."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "＊"


class WordFilter:
    def __init__(self, words: Iterable[str]) -> None:
        cleaned = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
        # Longest first, so a word that contains a shorter listed word is masked whole.
        self._pattern = (
            re.compile("|".join(re.escape(w) for w in cleaned), re.IGNORECASE) if cleaned else None
        )

    def mask(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: MASK * len(match.group(0)), text)


def read_word_list(text: str) -> list[str]:
    """One word per line; blank lines and lines starting with # are ignored."""
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
