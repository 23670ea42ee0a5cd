"""What every `cityverse` command shares: the settings, or a clear refusal of them."""

from __future__ import annotations

import typer
from rich.console import Console

from cityverse.core.config import Settings, get_settings


def settings_or_exit(console: Console) -> Settings:
    """The settings from the environment; a refused one ends the command with exit code 2."""
    try:
        return get_settings()
    except ValueError as exc:
        console.print(f"[red]Settings refused:[/red] {exc}")
        raise typer.Exit(2) from exc
