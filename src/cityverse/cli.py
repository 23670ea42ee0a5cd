"""The `cityverse` command: serve, migrate, demo, create-admin, openapi, ledger, evm, assets,
twin."""

from __future__ import annotations

import asyncio
import getpass
import importlib
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD, DEMO_PEOPLE
from cityverse.core.commandline import settings_or_exit
from cityverse.core.config import Settings
from cityverse.modules.assets.cli import app as assets_app
from cityverse.modules.assets.evm.cli import app as evm_app
from cityverse.modules.assets.ledger.cli import app as ledger_app
from cityverse.modules.twin.cli import app as twin_app

app = typer.Typer(help="Cityverse — one platform for a city's metaverse action plan.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(ledger_app, name="ledger")
app.add_typer(evm_app, name="evm")
app.add_typer(twin_app, name="twin")
app.add_typer(assets_app, name="assets")
console = Console(stderr=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Start the web server (API and web UI)."""
    import uvicorn

    settings = settings_or_exit(console)
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"Cityverse at [bold]http://{bind_host}:{bind_port}[/bold]  "
                  f"(API docs: http://{bind_host}:{bind_port}/api/docs)")
    uvicorn.run("cityverse.app:create_app", factory=True, host=bind_host, port=bind_port,
                workers=workers, log_config=None, timeout_graceful_shutdown=10,
                proxy_headers=True)


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Bring the database schema up to date."""
    from cityverse.core.migrate import upgrade

    settings = settings_or_exit(console)
    with console.status("Migrating the database…"):
        upgrade(settings, revision)
    console.print(f"Database migrated to {revision}.")


def _run_in_transaction(settings: Settings, work: Any) -> Any:
    from cityverse.core.db import create_engine, create_sessionmaker

    async def run() -> Any:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@app.command()
def demo(
    force: Annotated[bool, typer.Option(help="Allow loading demo people outside dev.")] = False,
) -> None:
    """Load the city pack (places, demo enterprises, demo accounts); safe to run again."""
    settings = settings_or_exit(console)
    if not settings.dev_mode and not force:
        console.print("[red]Refusing to load demo accounts outside dev mode[/red] (use --force).")
        raise typer.Exit(2)
    loader = importlib.import_module(f"cityverse.cities.{settings.city}.loader")
    with Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        counts = _run_in_transaction(settings, lambda s: loader.load(s, settings, report))
        after_commit = getattr(loader, "load_after_commit", None)
        if after_commit is not None:
            counts.update(asyncio.run(after_commit(settings, report)))
    console.print(f"City pack [bold]{settings.city}[/bold] loaded: {counts}")


@app.command("demo-accounts")
def demo_accounts() -> None:
    """Print the demo accounts and their password."""
    for person in DEMO_PEOPLE:
        console.print(f"  {person.username:<14} {','.join(person.roles):<11} {person.display_name}")
    console.print(f"  password for all: [bold]{DEMO_PASSWORD}[/bold]")


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="Login name of the new administrator.")],
    display_name: Annotated[str, typer.Option(help="Shown name.")] = "管理员",
) -> None:
    """Create an administrator account; the password is asked for (or read from stdin)."""
    from pydantic import ValidationError

    from cityverse.core.auth import service
    from cityverse.core.auth.policy import Role
    from cityverse.core.auth.schemas import Username
    from cityverse.core.errors import AppError

    settings = settings_or_exit(console)
    try:
        from pydantic import TypeAdapter

        TypeAdapter(Username).validate_python(username)
    except ValidationError as exc:
        console.print(f"[red]Invalid username:[/red] {exc.errors()[0]['msg']}")
        raise typer.Exit(2) from exc
    password = (getpass.getpass("Password: ") if sys.stdin.isatty()
                else sys.stdin.readline().rstrip("\n"))
    try:
        _run_in_transaction(settings, lambda s: service.create_user(
            s, username=username, password=password, display_name=display_name,
            roles=[Role.ADMIN]))
    except AppError as exc:
        problems = ", ".join(f"{f.field}: {f.code}" for f in exc.fields if f.code != "invalid")
        problems = problems or exc.code
        console.print(f"[red]Refused:[/red] {problems}")
        raise typer.Exit(2) from exc
    console.print(f"Administrator [bold]{username}[/bold] created.")


@app.command()
def openapi() -> None:
    """Print the OpenAPI document (the web client's types are generated from it)."""
    from cityverse.app import create_app

    document = create_app(Settings(log_json=False, log_level="WARNING")).openapi()
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
