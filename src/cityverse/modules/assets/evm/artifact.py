"""The compiled contract: ABI and bytecode written by `contracts/build.mjs` (`make contracts`).

The JSON is built from `contracts/CityverseCollectible.sol` with solc-js at build time and is not
kept in git; a missing file means the build step did not run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cityverse.modules.assets.evm.ethlibs import decode, function_signature_to_4byte_selector

BUILD_DIR = Path(__file__).parent / "build"
CONTRACT_NAME = "CityverseCollectible"

# Reverts that Solidity itself encodes: Error(string) and Panic(uint256).
_BUILTIN_ERRORS = {
    function_signature_to_4byte_selector("Error(string)"): ("Error", ["string"]),
    function_signature_to_4byte_selector("Panic(uint256)"): ("Panic", ["uint256"]),
}


class ContractNotBuiltError(RuntimeError):
    """The contract's build output is missing: run `make contracts`."""


@dataclass(frozen=True, slots=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    errors: dict[bytes, tuple[str, list[str]]]
    """Custom errors by 4-byte selector: name and argument types, to explain reverts."""

    def explain_revert(self, data: bytes) -> str:
        """A revert's data as `Name(arg, …)`; unknown data as hex."""
        known = self.errors.get(data[:4]) or _BUILTIN_ERRORS.get(data[:4])
        if known is None:
            return f"reverted (0x{data.hex()})" if data else "reverted"
        name, types = known
        try:
            values = decode(types, data[4:])
        except Exception:  # undecodable arguments: the name alone still says what happened
            return name
        return f"{name}({', '.join(_show(value) for value in values)})"


@lru_cache(maxsize=1)
def collectible() -> Artifact:
    path = BUILD_DIR / f"{CONTRACT_NAME}.json"
    if not path.is_file():
        raise ContractNotBuiltError(
            f"{path} is missing: build the contract with `make contracts` (npm solc, offline)"
        )
    compiled = json.loads(path.read_text(encoding="utf-8"))
    errors: dict[bytes, tuple[str, list[str]]] = {}
    for item in compiled["abi"]:
        if item["type"] == "error":
            types = [argument["type"] for argument in item["inputs"]]
            selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
            errors[selector] = (item["name"], types)
    return Artifact(compiled["contractName"], compiled["abi"], compiled["bytecode"], errors)


def _show(value: object) -> str:
    return "0x" + value.hex() if isinstance(value, bytes) else str(value)
