"""`cityverse evm …`: the mirror's accounts (to fund on a real chain) and its outbox state."""

from __future__ import annotations

import asyncio
import sys

import typer
from rich.console import Console
from sqlalchemy import func, select

from cityverse.core.commandline import settings_or_exit
from cityverse.core.config import Settings
from cityverse.modules.assets.evm.models import EvmContract, EvmOutbox

app = typer.Typer(help="The optional EVM mirror of tokens (ERC-721).", no_args_is_help=True,
                  add_completion=False)
console = Console(stderr=True)
FAILURES_SHOWN = 5


@app.command()
def accounts(
    holder: str = typer.Argument("", help="Also print this holder's custodial address."),
) -> None:
    """Print the operator and regulator addresses (fund them with gas on a real chain)."""
    from cityverse.modules.assets.evm.accounts import (
        holder_address,
        operator_account,
        regulator_account,
    )

    settings = settings_or_exit(console)
    sys.stdout.write(f"operator  {operator_account(settings).address}\n")
    sys.stdout.write(f"regulator {regulator_account(settings).address}\n")
    if holder:
        sys.stdout.write(f"holder    {holder_address(settings, holder)}\n")


async def _status(settings: Settings) -> tuple[dict[str, int], list[EvmOutbox], list[EvmContract]]:
    from cityverse.core.db import create_engine, create_sessionmaker

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            counts = dict((await session.execute(
                select(EvmOutbox.status, func.count()).group_by(EvmOutbox.status))).tuples().all())
            failed = list(await session.scalars(
                select(EvmOutbox).where(EvmOutbox.status == "failed")
                .order_by(EvmOutbox.id.desc()).limit(FAILURES_SHOWN)))
            contracts = list(await session.scalars(select(EvmContract)))
            return counts, failed, contracts
    finally:
        await engine.dispose()


@app.command()
def status() -> None:
    """Operations by state, the latest refused ones, and the contract on each chain."""
    settings = settings_or_exit(console)
    counts, failed, contracts = asyncio.run(_status(settings))
    state = "on" if settings.evm_enabled else "off (CITYVERSE_EVM_ENABLED)"
    sys.stdout.write(f"mirror: {state}\n")
    for name in ("pending", "sent", "done", "failed"):
        sys.stdout.write(f"{name:8} {counts.get(name, 0)}\n")
    for row in failed:
        sys.stdout.write(f"failed #{row.id} {row.kind} {row.token_id}: {row.last_error}\n")
    for contract in contracts:
        sys.stdout.write(f"contract {contract.address} on chain {contract.chain_id} "
                         f"(holding period {contract.holding_period_s} s)\n")
