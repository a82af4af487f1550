import path from "node:path";
import { fileURLToPath } from "node:url";

export const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = path.resolve(HERE, "..", "..");

// The benchmarks' --bin: the hr-orchestrate they run, $HR_ORCHESTRATE or the project's Release build.
export const BIN_OPTION = {
  value: "PATH", help: "the hr-orchestrate binary", parse: (p) => path.resolve(p),
  default: process.env.HR_ORCHESTRATE ?? path.join(REPO, "build/release/orchestrator/hr-orchestrate"),
  shown: "$HR_ORCHESTRATE or build/release/orchestrator/hr-orchestrate",
};
