"""`cityverse ledger …`: audit the verifiable log, show or make its checkpoint key."""

from __future__ import annotations

import asyncio
import sys

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cityverse.core.commandline import settings_or_exit
from cityverse.core.config import Settings
from cityverse.modules.assets.ledger.encoding import b64encode
from cityverse.modules.assets.ledger.verify import AuditReport, ProgressFn

app = typer.Typer(help="The verifiable log (digital-asset ledger).", no_args_is_help=True,
                  add_completion=False)
console = Console(stderr=True)


async def _audit(settings: Settings, progress: ProgressFn) -> AuditReport:
    from cityverse.core.db import create_sessionmaker
    from cityverse.modules.assets.ledger.engines import create_snapshot_engine
    from cityverse.modules.assets.ledger.keys import log_verifier
    from cityverse.modules.assets.ledger.verify import audit_log

    engine = create_snapshot_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await audit_log(session, log_verifier(settings), settings.ledger_origin,
                                   progress)
    finally:
        await engine.dispose()


@app.command()
def verify() -> None:
    """Recompute the whole log from its entries and check every node and checkpoint.

    Exits 1 naming the first edited, deleted or reordered row.
    """
    settings = settings_or_exit(console)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("Verifying the ledger", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = asyncio.run(_audit(settings, report))
    if result.finding is not None:
        console.print(f"[red]The ledger does not verify.[/red] First bad row: {result.finding}")
        console.print(f"(checked before it: {result.entries} entries, {result.nodes} nodes, "
                      f"{result.checkpoints} checkpoints)")
        raise typer.Exit(1)
    console.print(f"[green]The ledger verifies:[/green] {result.entries} entries, "
                  f"{result.nodes} nodes, {result.checkpoints} signed checkpoints; "
                  f"root {b64encode(result.root_hash)}")


@app.command()
def vkey() -> None:
    """Print the verifier key that checks this log's checkpoints."""
    from cityverse.modules.assets.ledger.keys import log_verifier

    sys.stdout.write(log_verifier(settings_or_exit(console)).vkey + "\n")


@app.command()
def keygen() -> None:
    """Make a new checkpoint signing key for CITYVERSE_LEDGER_SIGNING_KEY (printed on stdout)."""
    from cityverse.modules.assets.ledger.note import Signer

    signer = Signer.generate(settings_or_exit(console).ledger_origin)
    sys.stdout.write(signer.skey + "\n")
    console.print(f"Verifier key (public): {signer.vkey}")
