"""The ERC-721 collectible on py-evm: roles, holding period, freeze, burn, no payments.

One deployment per module; each test mints its own token.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.logs import DISCARD

from cityverse.modules.assets.evm.chain import Chain, Mined, RevertedError
from modules.assets.evm.evm_support import HOLDING_PERIOD_S, travel

OPERATOR: LocalAccount = Account.from_key("0x" + "01" * 32)
REGULATOR: LocalAccount = Account.from_key("0x" + "02" * 32)
ALICE: LocalAccount = Account.from_key("0x" + "0a" * 32)
BOB = Account.from_key("0x" + "0b" * 32).address
STRANGER: LocalAccount = Account.from_key("0x" + "0c" * 32)
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def chain() -> Iterator[Chain]:
    chain = Chain.in_process(OPERATOR.address, REGULATOR.address, ALICE.address, STRANGER.address)
    chain.deploy(OPERATOR, HOLDING_PERIOD_S, REGULATOR.address)
    yield chain


def send(chain: Chain, account: LocalAccount, call: ContractFunction) -> Mined:
    signed = chain.prepare(account, call)
    chain.send(signed)
    mined = chain.wait(signed.tx_hash)
    assert mined.succeeded
    return mined


def minted(chain: Chain, to: str = ALICE.address) -> int:
    token = next(_numbers)
    send(chain, OPERATOR, chain.functions().mint(to, token, f"tok-{token}"))
    return token


def refused(chain: Chain, account: LocalAccount, call: ContractFunction) -> str:
    with pytest.raises(RevertedError) as caught:
        chain.prepare(account, call)
    return caught.value.reason


def test_deployment_sets_roles_holding_period_and_erc721_interface(chain: Chain) -> None:
    functions = chain.functions()
    assert functions.holdingPeriod().call() == HOLDING_PERIOD_S
    operator_role = functions.OPERATOR_ROLE().call()
    regulator_role = functions.REGULATOR_ROLE().call()
    assert functions.hasRole(operator_role, OPERATOR.address).call()
    assert functions.hasRole(regulator_role, REGULATOR.address).call()
    assert not functions.hasRole(regulator_role, OPERATOR.address).call()
    assert functions.supportsInterface("0x80ac58cd").call()  # ERC-721
    assert functions.name().call() == "Cityverse Collectible"


def test_operator_mints_with_events_and_others_cannot(chain: Chain) -> None:
    token = next(_numbers)
    mined = send(chain, OPERATOR, chain.functions().mint(ALICE.address, token, "tok-x"))
    receipt = chain.w3.eth.get_transaction_receipt(mined.tx_hash)
    events = chain.contract.events if chain.contract else None
    assert events is not None
    (minted_event,) = events.Minted().process_receipt(receipt, errors=DISCARD)
    assert minted_event["args"]["tokenId"] == token
    assert minted_event["args"]["platformId"] == "tok-x"
    (transfer,) = events.Transfer().process_receipt(receipt, errors=DISCARD)
    assert transfer["args"]["to"] == ALICE.address
    assert chain.owner_of(token) == ALICE.address
    reason = refused(chain, STRANGER, chain.functions().mint(ALICE.address, 999_999, "x"))
    assert reason.startswith("AccessControlUnauthorizedAccount")
    assert refused(chain, OPERATOR, chain.functions().mint(BOB, token, "again")).startswith(
        "ERC721InvalidSender")


def test_transfer_waits_for_the_holding_period_then_restarts_it(chain: Chain) -> None:
    token = minted(chain)
    move = chain.functions().transferFrom(ALICE.address, BOB, token)
    assert refused(chain, OPERATOR, move).startswith(f"HoldingPeriodNotOver({token}, ")
    travel(chain, HOLDING_PERIOD_S + 1)
    send(chain, OPERATOR, move)
    assert chain.owner_of(token) == BOB
    back = chain.functions().transferFrom(BOB, ALICE.address, token)
    assert refused(chain, OPERATOR, back).startswith("HoldingPeriodNotOver")  # BOB's own period


def test_holder_may_move_own_token_by_the_same_rules_but_a_stranger_may_not(chain: Chain) -> None:
    token = minted(chain)
    travel(chain, HOLDING_PERIOD_S + 1)
    steal = chain.functions().transferFrom(ALICE.address, STRANGER.address, token)
    assert refused(chain, STRANGER, steal).startswith("ERC721InsufficientApproval")
    send(chain, ALICE, chain.functions().transferFrom(ALICE.address, BOB, token))
    assert chain.owner_of(token) == BOB


def test_freeze_blocks_transfers_until_unfrozen(chain: Chain) -> None:
    token = minted(chain)
    travel(chain, HOLDING_PERIOD_S + 1)
    functions = chain.functions()
    assert refused(chain, OPERATOR, functions.freeze(token)).startswith(
        "AccessControlUnauthorizedAccount")
    mined = send(chain, REGULATOR, functions.freeze(token))
    receipt = chain.w3.eth.get_transaction_receipt(mined.tx_hash)
    assert chain.contract is not None
    (event,) = chain.contract.events.Frozen().process_receipt(receipt, errors=DISCARD)
    assert event["args"]["regulator"] == REGULATOR.address
    assert chain.is_frozen(token)
    move = functions.transferFrom(ALICE.address, BOB, token)
    assert refused(chain, OPERATOR, move) == f"TokenIsFrozen({token})"
    assert refused(chain, REGULATOR, functions.freeze(token)) == f"FreezeUnchanged({token}, True)"
    assert refused(chain, STRANGER, functions.unfreeze(token)).startswith(
        "AccessControlUnauthorizedAccount")
    send(chain, REGULATOR, functions.unfreeze(token))
    send(chain, OPERATOR, move)
    assert chain.owner_of(token) == BOB


def test_operator_burns_even_a_frozen_token_and_no_one_else_can(chain: Chain) -> None:
    token = minted(chain)
    functions = chain.functions()
    send(chain, REGULATOR, functions.freeze(token))
    assert refused(chain, REGULATOR, functions.burn(token)).startswith(
        "AccessControlUnauthorizedAccount")
    assert refused(chain, ALICE, functions.burn(token)).startswith(
        "AccessControlUnauthorizedAccount")
    mined = send(chain, OPERATOR, functions.burn(token))
    assert chain.contract is not None
    receipt = chain.w3.eth.get_transaction_receipt(mined.tx_hash)
    assert len(chain.contract.events.Burned().process_receipt(receipt, errors=DISCARD)) == 1
    assert chain.owner_of(token) is None
    assert not chain.is_frozen(token)


def test_nothing_is_payable(chain: Chain) -> None:
    abi = chain.artifact.abi
    assert not [item for item in abi if item.get("stateMutability") == "payable"]
    assert not [item for item in abi if item["type"] in ("receive", "fallback")]
    assert chain.contract is not None
    payment = {"from": ALICE.address, "to": chain.contract.address,
               "value": Web3.to_wei(1, "ether"), "gas": 100_000,
               "nonce": chain.w3.eth.get_transaction_count(ALICE.address),
               "chainId": chain.w3.eth.chain_id, "maxFeePerGas": 10**10,
               "maxPriorityFeePerGas": 1}
    signed = ALICE.sign_transaction(payment)
    receipt = chain.w3.eth.wait_for_transaction_receipt(
        chain.w3.eth.send_raw_transaction(signed.raw_transaction))
    assert receipt["status"] == 0  # the contract refuses ether
    assert chain.w3.eth.get_balance(chain.contract.address) == 0
