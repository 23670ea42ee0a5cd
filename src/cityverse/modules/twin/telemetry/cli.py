"""`cityverse twin …`: run the device simulator, export Mosquitto's password file."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from rich.console import Console

from cityverse.core.commandline import settings_or_exit
from cityverse.core.config import Settings

app = typer.Typer(help="The city twin's devices and telemetry.", no_args_is_help=True,
                  add_completion=False)
console = Console(stderr=True)


def _broker_url(settings: Settings) -> str:
    return settings.mqtt_url or f"mqtt://{settings.mqtt_host}:{settings.mqtt_port}"


async def _simulate(settings: Settings, url: str, interval: float, rounds: int | None) -> int:
    from cityverse.core.db import create_engine, create_sessionmaker
    from cityverse.modules.twin.telemetry.simulator import Simulator

    engine = create_engine(settings)
    try:
        simulator = Simulator(create_sessionmaker(engine), url, interval_s=interval)
        await simulator.run(rounds=rounds)
        return simulator.published
    finally:
        await engine.dispose()


@app.command()
def simulate(
    url: Annotated[str | None, typer.Option(
        help="Broker URL; default: CITYVERSE_MQTT_URL or the embedded broker.")] = None,
    interval: Annotated[float, typer.Option(
        min=0.05, help="Seconds between two readings of one device.")] = 10.0,
    rounds: Annotated[int | None, typer.Option(
        min=1, help="Stop after this many readings per device (default: run until stopped).")
    ] = None,
) -> None:
    """Publish realistic readings for every sensor entity of the twin, one MQTT device each
    (devices are registered as needed; the simulator's own devices get fresh keys)."""
    settings = settings_or_exit(console)
    target = url or _broker_url(settings)
    console.print(f"Simulating the twin's sensors over [bold]{target}[/bold] (Ctrl-C stops)")
    try:
        published = asyncio.run(_simulate(settings, target, interval, rounds))
    except KeyboardInterrupt:
        return
    console.print(f"Published {published} readings.")


async def _password_file(settings: Settings) -> str:
    from cityverse.core.db import create_engine, create_sessionmaker
    from cityverse.modules.twin.telemetry.devices import password_file

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            return await password_file(session)
    finally:
        await engine.dispose()


@app.command("mqtt-passwords")
def mqtt_passwords() -> None:
    """Print a Mosquitto `password_file` of the enabled devices (the registry's own hashes):
    with an external broker, install it and send the broker SIGHUP after device changes."""
    sys.stdout.write(asyncio.run(_password_file(settings_or_exit(console))))
