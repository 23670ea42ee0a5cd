"""The Ethereum libraries, imported in this one place and without their side effect.

eth-account (through py_ecc) raises the interpreter's recursion limit to 100,000 when it is
imported. In a server that turns a deeply nested JSON document into a C stack overflow (a
crash) instead of a RecursionError, so the limit is put back once they are loaded. Modules of
this package take what they need from here, and only code that uses the chain loads them.
"""

# ruff: noqa: E402
import sys

_RECURSION_LIMIT = sys.getrecursionlimit()

from eth_abi.abi import decode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils.abi import function_signature_to_4byte_selector
from eth_utils.crypto import keccak
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError, TransactionNotFound
from web3.types import TxParams, Wei

sys.setrecursionlimit(_RECURSION_LIMIT)

__all__ = [
    "Account",
    "ChecksumAddress",
    "Contract",
    "ContractCustomError",
    "ContractFunction",
    "ContractLogicError",
    "HexBytes",
    "LocalAccount",
    "TransactionNotFound",
    "TxParams",
    "Web3",
    "Wei",
    "decode",
    "function_signature_to_4byte_selector",
    "keccak",
]
