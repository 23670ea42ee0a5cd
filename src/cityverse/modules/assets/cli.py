"""`cityverse assets …`: operations on the asset platform's keys."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cityverse.core.commandline import settings_or_exit
from cityverse.core.config import Settings

if TYPE_CHECKING:
    from cityverse.modules.assets.rotation import RotationReport

app = typer.Typer(help="The digital-asset platform (keys, works, tokens).", no_args_is_help=True,
                  add_completion=False)
console = Console(stderr=True)


@app.command("rotate-kek")
def rotate_kek(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Open and re-wrap every key, report, then roll back.")] = False,
    ask_old: Annotated[bool, typer.Option(
        "--ask-old", help="Type the old KEK instead of taking CITYVERSE_ASSETS_KEK.")] = False,
) -> None:
    """Re-wrap every custodial key and work data key from the old KEK to the new one.

    Old: CITYVERSE_ASSETS_KEK (or the secret key it falls back to in dev mode), or typed with
    --ask-old. New: CITYVERSE_ASSETS_KEK_NEW, or typed. One transaction: all or nothing. Then
    set CITYVERSE_ASSETS_KEK to the new value and restart.
    """
    settings = settings_or_exit(console)
    old = (typer.prompt("Old KEK", hide_input=True) if ask_old
           else settings.assets_kek or settings.secret_key)
    new = settings.assets_kek_new or typer.prompt("New KEK", hide_input=True,
                                                  confirmation_prompt=True)
    if settings.env == "prod" and len(new) < 32:
        console.print("[red]The new KEK must be 32+ characters outside dev mode.[/red]")
        raise typer.Exit(2)
    from cityverse.modules.assets.rotation import RotationError

    try:
        report = asyncio.run(_rotate(settings, old, new, dry_run=dry_run))
    except RotationError as error:
        console.print(f"[red]Nothing changed:[/red] {error}")
        raise typer.Exit(1) from error
    verb = "would re-wrap" if dry_run else "re-wrapped"
    typer.echo(f"{verb} {report.custodial_keys} custodial keys and {report.work_keys} work keys "
               f"under the new KEK (fingerprint {report.new_kek_fingerprint})")
    if not dry_run:
        typer.echo("Now set CITYVERSE_ASSETS_KEK to the new KEK and restart the app.")


async def _rotate(settings: Settings, old: str, new: str, *, dry_run: bool) -> RotationReport:
    from cityverse.core.db import create_engine, create_sessionmaker
    from cityverse.modules.assets.rotation import rotate_kek as rotate

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            report = await rotate(session, old, new, actor="cityverse assets rotate-kek")
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
            return report
    finally:
        await engine.dispose()
