// What the tests that drive the real hr-orchestrate binary share: the binary of this build tree
// (HR_ORCHESTRATE, set by CTest) and bench/appgen's app generator and compiler simulator.
import assert from "node:assert/strict";
import fs from "node:fs";

export { generateApp } from "../bench/appgen/generate.mjs";
export { applyEdit } from "../bench/appgen/simulate.mjs";

export const binary = process.env.HR_ORCHESTRATE;
assert.ok(binary && fs.existsSync(binary), "HR_ORCHESTRATE must name the hr-orchestrate binary");
