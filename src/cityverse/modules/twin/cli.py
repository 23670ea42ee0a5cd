"""`cityverse twin import FILE`: GeoJSON or CityJSON into the city twin, in batches, with a
report of every feature refused."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from cityverse.core.commandline import settings_or_exit
from cityverse.core.config import Settings
from cityverse.modules.twin.imports import Candidate, ImportFileError, Options
from cityverse.modules.twin.service import BulkResult, Rejected
from cityverse.modules.twin.telemetry import cli as telemetry_cli

app = typer.Typer(help="The city digital twin (NGSI-LD).", no_args_is_help=True,
                  add_completion=False)
console = Console(stderr=True)
BATCH = 500
# The rule of the NGSILD-Tenant header.
_TENANT = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
SHOWN_REJECTIONS = 20


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="GeoJSON, CityJSON or a JSON array of NGSI-LD "
                                              "entities; gzip allowed.")],
    entity_type: Annotated[str | None, typer.Option(
        "--type", help="Entity type (GeoJSON default: each feature's 'type' property; "
                       "CityJSON: Building).")] = None,
    tenant: Annotated[str, typer.Option(help="NGSI-LD tenant (default: the default tenant).")]
    = "",
    id_prefix: Annotated[str, typer.Option(
        help="Put after urn:ngsi-ld:<Type>: in ids that are not URNs, e.g. 'kunshan:'.")] = "",
    id_property: Annotated[str, typer.Option(
        help="Property holding the id of features without a feature id.")] = "id",
    dry_run: Annotated[bool, typer.Option(help="Check and count, write nothing.")] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="Write the refused features (index, id, reason) to this JSON file.")] = None,
) -> None:
    """Import entities from a file: new ones are created, existing ones (same id) replaced.

    Exits 1 when nothing was imported, 2 when the file cannot be read at all.
    """
    from cityverse.modules.twin.imports import candidates, read_document

    if tenant and not _TENANT.match(tenant):
        console.print("[red]--tenant must be 1–64 letters, digits, - or _[/red]")
        raise typer.Exit(2)
    settings = settings_or_exit(console)
    try:
        document = read_document(file)
        items = candidates(document, Options(entity_type, id_prefix, id_property))
    except ImportFileError as exc:
        console.print(f"[red]Cannot import {file.name}:[/red] {exc}")
        raise typer.Exit(2) from exc
    result = asyncio.run(_write(settings, tenant, items, file.name, dry_run=dry_run))
    _report(result, dry_run=dry_run, rejects=rejects)
    if result.created + result.replaced == 0:
        raise typer.Exit(1)


async def _write(settings: Settings, tenant: str, items: list[Candidate], source: str, *,
                 dry_run: bool) -> BulkResult:
    from cityverse.core import audit
    from cityverse.core.auth import models as _users  # noqa: F401 - the audit row's foreign key
    from cityverse.core.db import create_engine, create_sessionmaker
    from cityverse.modules.twin.service import upsert_documents

    result = BulkResult(rejected=[Rejected(c.index, c.entity_id, c.reason)
                                  for c in items if c.document is None])
    valid = [c for c in items if c.document is not None]
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            transaction = await session.begin()
            with _bar(len(valid)) as (bar, task):
                for start in range(0, len(valid), BATCH):
                    batch = valid[start:start + BATCH]
                    done = await upsert_documents(session, tenant, [c.document for c in batch])
                    # The service numbers the batch from 0: give back the file's indexes.
                    done.rejected = [Rejected(batch[r.index].index, r.entity_id, r.reason)
                                     for r in done.rejected]
                    result.add(done)
                    bar.update(task, completed=start + len(batch))
            if dry_run:
                await transaction.rollback()
            else:
                await audit.record(
                    session, actor_id=None, actor_name="cli", action="twin.import",
                    target_type="twin_tenant", target_id=tenant or "default",
                    after={"file": source[:200], "created": result.created,
                           "replaced": result.replaced, "rejected": len(result.rejected)})
                await transaction.commit()
    finally:
        await engine.dispose()
    result.rejected.sort(key=lambda r: r.index)
    return result


class _bar:
    def __init__(self, total: int) -> None:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=console)
        self.total = total

    def __enter__(self) -> tuple[Progress, TaskID]:
        self.progress.start()
        return self.progress, self.progress.add_task("Importing", total=self.total)

    def __exit__(self, *_: object) -> None:
        self.progress.stop()


def _report(result: BulkResult, *, dry_run: bool, rejects: Path | None) -> None:
    verb = "Would import" if dry_run else "Imported"
    console.print(f"{verb}: [bold]{result.created}[/bold] created, "
                  f"[bold]{result.replaced}[/bold] replaced, "
                  f"[bold]{len(result.rejected)}[/bold] rejected.")
    for rejected in result.rejected[:SHOWN_REJECTIONS]:
        console.print(f"  #{rejected.index} {rejected.entity_id or '(no id)'}: {rejected.reason}")
    if len(result.rejected) > SHOWN_REJECTIONS:
        console.print(f"  … and {len(result.rejected) - SHOWN_REJECTIONS} more"
                      + ("" if rejects else " (--rejects FILE lists them all)"))
    if rejects is not None:
        rows = [{"index": r.index, "id": r.entity_id, "reason": r.reason}
                for r in result.rejected]
        rejects.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", "utf-8")
        console.print(f"Rejected features written to {rejects}.")


# Telemetry's commands (simulate, mqtt-passwords) sit beside `import` under `cityverse twin`.
app.registered_commands.extend(telemetry_cli.app.registered_commands)
