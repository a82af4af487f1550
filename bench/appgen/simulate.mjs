#!/usr/bin/env node
// The compiler simulator: applies one edit to a generated app the way the framework's compiler
// recompiles (files written, manifest rewritten with hashes and the `changed` hint), then, like the
// compiler, runs `hr-orchestrate --manifest DIR/manifest.json`. Library (applyEdit,
// runOrchestrator) and CLI.
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseCli, runCli } from "../lib/cli.mjs";
import { applyEdit, EDIT_KINDS } from "./edits.mjs";
import { MANIFEST_FILE } from "./manifest.mjs";

export { applyEdit, EDIT_KINDS };

const CLI = {
  usage: "node bench/appgen/simulate.mjs --app DIR --edit KIND [--target ID] [--run HR_ORCHESTRATE] [-- ARGS...]",
  rest: true,
  options: {
    app: { value: "DIR", help: "an app written by bench/appgen/generate.mjs", required: true },
    edit: { value: "KIND", help: `one of: ${EDIT_KINDS.join(", ")}`, required: true },
    target: { value: "ID", help: "module id or short name (comp_3, widget_5, _index, page_2); default comp_1 / _index" },
    run: { value: "PATH", help: `then run PATH --manifest DIR/${MANIFEST_FILE} ARGS..., pass its output through and
exit with its exit code. Without --run, the edit's result is printed as JSON on stdout.` },
  },
};

// Runs hr-orchestrate on the app's manifest as the compiler does. By default its output goes
// straight to ours; with { capture: true } it is collected and the JSON result line parsed.
export function runOrchestrator(binary, appDir, { args = [], capture = false, env = process.env } = {}) {
  const argv = ["--manifest", path.join(appDir, MANIFEST_FILE), ...args];
  const child = spawn(binary, argv, { stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit", env });
  const out = { stdout: "", stderr: "" };
  if (capture) {
    child.stdout.on("data", (d) => (out.stdout += d));
    child.stderr.on("data", (d) => (out.stderr += d));
  }
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, ...out, result: capture ? lastJsonLine(out.stdout) : undefined }));
  });
}

function lastJsonLine(text) {
  const line = text.trim().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function main(argv) {
  const parsed = parseCli(argv, CLI);
  if (!parsed) return 0;
  const { values: options, rest } = parsed;
  const appDir = path.resolve(options.app);
  const result = applyEdit(appDir, options.edit, { target: options.target });
  if (!options.run) return void process.stdout.write(JSON.stringify(result) + "\n");
  process.stderr.write(`appgen: build ${result.build}: ${result.description}\n`);
  const { code, signal } = await runOrchestrator(path.resolve(options.run), appDir, { args: rest });
  if (signal) process.stderr.write(`appgen: ${options.run} killed by ${signal}\n`);
  return code ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runCli(main);
