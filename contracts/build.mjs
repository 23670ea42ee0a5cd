// Compiles the Solidity sources with solc-js (the compiler ships inside the npm package, so no
// network) and writes one JSON file per contract (ABI, bytecode, compiler settings) into the
// Python package that deploys them. Run by `make contracts`.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const solc = require("solc");
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "cityverse", "modules", "assets", "evm", "build");
const sources = ["CityverseCollectible.sol"];
// Cancun: what py-evm and current consortium chains (Besu, Geth forks) run.
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  metadata: { bytecodeHash: "none" },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
};

function findImport(path) {
  try {
    return { contents: readFileSync(require.resolve(path), "utf8") };
  } catch {
    return { error: `not found: ${path}` };
  }
}

const input = {
  language: "Solidity",
  sources: Object.fromEntries(
    sources.map((name) => [name, { content: readFileSync(join(here, name), "utf8") }]),
  ),
  settings,
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
for (const message of output.errors ?? []) console.error(message.formattedMessage);
if (errors.length) process.exit(1);

mkdirSync(out, { recursive: true });
for (const name of sources) {
  for (const [contract, compiled] of Object.entries(output.contracts[name])) {
    const artifact = {
      contractName: contract,
      source: name,
      compiler: `solc-js ${solc.version()}`,
      settings: { optimizer: settings.optimizer, evmVersion: settings.evmVersion },
      abi: compiled.abi,
      bytecode: "0x" + compiled.evm.bytecode.object,
    };
    writeFileSync(join(out, `${contract}.json`), JSON.stringify(artifact, null, 1) + "\n");
    console.log(`compiled ${contract}: ${compiled.evm.bytecode.object.length / 2} bytes`);
  }
}
