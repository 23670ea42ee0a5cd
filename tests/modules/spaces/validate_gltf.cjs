// Runs the Khronos glTF validator on one .glb and prints its report as JSON.
// Usage: node validate_gltf.cjs <validator-package-dir> <file.glb>
"use strict";
const fs = require("fs");
const path = require("path");

const [validatorDir, glbPath] = process.argv.slice(2);
if (!validatorDir || !glbPath) {
  console.error("usage: node validate_gltf.cjs <validator-package-dir> <file.glb>");
  process.exit(2);
}
const validator = require(path.resolve(validatorDir));
const bytes = new Uint8Array(fs.readFileSync(glbPath));
validator
  .validateBytes(bytes, { uri: path.basename(glbPath), maxIssues: 100 })
  .then((report) => process.stdout.write(JSON.stringify(report)))
  .catch((error) => {
    console.error(String(error));
    process.exit(1);
  });
