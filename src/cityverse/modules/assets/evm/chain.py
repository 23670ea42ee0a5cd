"""The chain the mirror writes to, through web3.py: an RPC node, or py-evm in this process.

Synchronous on purpose (web3's in-process tester provider is synchronous and py-evm is not
thread-safe): the worker calls it from one dedicated thread. Every transaction is signed here
with a local key and sent raw, so the same code works against any JSON-RPC node; its hash is
known before it is sent, which is what lets the outbox record it first.
"""

from __future__ import annotations

import ast
import contextlib
import sys
from dataclasses import dataclass
from typing import Any

from cityverse.modules.assets.evm.artifact import Artifact, collectible
from cityverse.modules.assets.evm.ethlibs import (
    ChecksumAddress,
    Contract,
    ContractCustomError,
    ContractFunction,
    ContractLogicError,
    HexBytes,
    LocalAccount,
    TransactionNotFound,
    TxParams,
    Web3,
    Wei,
)

DEPLOY_GAS = 4_000_000
# Mint with the platform id string costs about 120k; nothing the operator sends costs more.
CALL_GAS = 300_000
RECEIPT_TIMEOUT_S = 120
FUNDING_WEI = 10**21  # what a role account of the in-process chain is given to pay for gas
_TESTER_REVERT = "execution reverted: "


class StaleTransactionError(Exception):
    """A signed transaction can no longer be mined: its nonce was used by another one."""


class RevertedError(Exception):
    """The contract refused the call; ``reason`` names its error. Retrying will not help."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SignedTx:
    tx_hash: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class Mined:
    tx_hash: str
    block_number: int
    succeeded: bool


class Chain:
    def __init__(self, w3: Web3, artifact: Artifact | None = None) -> None:
        self.w3 = w3
        self.artifact = artifact or collectible()
        self.contract: Contract | None = None

    @classmethod
    def over_rpc(cls, url: str) -> Chain:
        return cls(Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30})))

    @classmethod
    def in_process(cls, *funded: ChecksumAddress) -> Chain:
        """A fresh py-evm chain (eth-tester) that lives in memory; ``funded`` get gas money."""
        limit = sys.getrecursionlimit()
        from eth_tester import EthereumTester, PyEVMBackend  # only tests and demos load py-evm

        sys.setrecursionlimit(limit)  # py-evm raised it (see ethlibs)
        tester = EthereumTester(PyEVMBackend())
        chain = cls(Web3(Web3.EthereumTesterProvider(tester)))
        bank = chain.w3.eth.accounts[0]
        for address in funded:
            payment = chain.w3.eth.send_transaction(
                {"from": bank, "to": address, "value": Wei(FUNDING_WEI)}
            )
            chain.w3.eth.wait_for_transaction_receipt(payment)
        return chain

    @property
    def tester(self) -> Any:
        """The eth-tester of an in-process chain (time travel in tests), else None."""
        return getattr(self.w3.provider, "ethereum_tester", None)

    def chain_key(self) -> str:
        """Names this chain: its genesis block hash (an address is only valid on its chain)."""
        return self.w3.eth.get_block(0)["hash"].hex()

    def bind(self, address: str) -> bool:
        """Use the contract at ``address``; False when no code is there (e.g. a new chain)."""
        checksum = Web3.to_checksum_address(address)
        if not self.w3.eth.get_code(checksum):
            return False
        self.contract = self.w3.eth.contract(address=checksum, abi=self.artifact.abi)
        return True

    def deploy(
        self, deployer: LocalAccount, holding_period_s: int, regulator: ChecksumAddress
    ) -> tuple[ChecksumAddress, Mined]:
        """Deploy the collectible; the deployer is its admin and operator."""
        factory = self.w3.eth.contract(abi=self.artifact.abi, bytecode=self.artifact.bytecode)
        constructor = factory.constructor(
            "Cityverse Collectible", "CVC", holding_period_s,
            deployer.address, deployer.address, regulator,
        )
        params = self._params(deployer, DEPLOY_GAS)
        signed = deployer.sign_transaction(constructor.build_transaction(params))
        receipt = self.w3.eth.wait_for_transaction_receipt(
            self.w3.eth.send_raw_transaction(signed.raw_transaction), timeout=RECEIPT_TIMEOUT_S
        )
        if receipt["status"] != 1 or not receipt["contractAddress"]:
            raise RevertedError("the contract's deployment failed")
        address = Web3.to_checksum_address(receipt["contractAddress"])
        self.bind(address)
        return address, Mined(receipt["transactionHash"].to_0x_hex(),
                              receipt["blockNumber"], True)

    def functions(self) -> Any:
        if self.contract is None:
            raise RuntimeError("no contract bound: deploy or bind one first")
        return self.contract.functions

    def prepare(self, account: LocalAccount, call: ContractFunction) -> SignedTx:
        """Dry-run ``call`` (a revert raises ``RevertedError`` here, spending nothing), then
        sign it with the next nonce. Nothing is sent yet."""
        params = self._params(account, CALL_GAS)
        try:
            call.call({"from": account.address})
        except (ContractLogicError, ContractCustomError) as error:
            raise RevertedError(self._reason(error)) from None
        except Exception as error:
            if type(error).__name__ != "TransactionFailed":  # eth-tester's revert
                raise
            raise RevertedError(self._reason(error)) from None
        transaction: dict[str, Any] = dict(call.build_transaction(params))
        signed = account.sign_transaction(transaction)
        return SignedTx(signed.hash.to_0x_hex(), bytes(signed.raw_transaction))

    def send(self, signed: SignedTx) -> None:
        """Broadcast; a node that already has this very transaction is not an error."""
        try:
            self.w3.eth.send_raw_transaction(signed.raw)
        except ValueError as error:
            message = str(error).lower()
            if "nonce too low" in message and self.mined(signed.tx_hash) is None:
                raise StaleTransactionError(str(error)) from None
            if "known" not in message:
                raise

    def wait(self, tx_hash: str) -> Mined:
        receipt = self.w3.eth.wait_for_transaction_receipt(
            HexBytes(tx_hash), timeout=RECEIPT_TIMEOUT_S
        )
        return Mined(tx_hash, receipt["blockNumber"], receipt["status"] == 1)

    def mined(self, tx_hash: str) -> Mined | None:
        """The receipt of a transaction sent before, or None if the chain does not have it."""
        try:
            receipt = self.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
        except TransactionNotFound:
            return None
        return Mined(tx_hash, receipt["blockNumber"], receipt["status"] == 1)

    def owner_of(self, token: int) -> ChecksumAddress | None:
        try:
            owner: ChecksumAddress = self.functions().ownerOf(token).call()
        except (ContractLogicError, ContractCustomError):
            return None
        except Exception as error:
            if type(error).__name__ != "TransactionFailed":
                raise
            return None
        return owner

    def is_frozen(self, token: int) -> bool:
        return bool(self.functions().frozen(token).call())

    def _params(self, account: LocalAccount, gas: int) -> TxParams:
        return {
            "from": account.address,
            "nonce": self.w3.eth.get_transaction_count(account.address, "pending"),
            "gas": gas,
            "chainId": self.w3.eth.chain_id,
        }

    def _reason(self, error: Exception) -> str:
        data = getattr(error, "data", None)
        if isinstance(data, str) and data.startswith("0x"):
            return self.artifact.explain_revert(bytes.fromhex(data[2:]))
        for argument in error.args:
            if isinstance(argument, bytes):
                return self.artifact.explain_revert(argument)
            if isinstance(argument, str) and argument.startswith("0x"):
                return self.artifact.explain_revert(bytes.fromhex(argument[2:]))
            if isinstance(argument, str) and argument.startswith(_TESTER_REVERT):
                # eth-tester gives the revert data as the repr of a bytes value.
                with contextlib.suppress(ValueError, SyntaxError):
                    data = ast.literal_eval(argument.removeprefix(_TESTER_REVERT))
                    if isinstance(data, bytes):
                        return self.artifact.explain_revert(data)
        return str(error) or "reverted"
