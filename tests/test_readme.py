"""The README documents every setting and opens with the two commands."""

from __future__ import annotations

from pathlib import Path

from cityverse.core.config import Settings

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")


def test_every_setting_is_in_the_readme_table() -> None:
    missing = [n for n in Settings.model_fields if f"`CITYVERSE_{n.upper()}`" not in README]
    assert missing == []


def test_readme_opens_with_the_two_commands() -> None:
    head = "\n".join(README.splitlines()[:10])
    assert "make run" in head and "make test" in head
