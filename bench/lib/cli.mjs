// Command-line options for every bench script, on node's own util.parseArgs: `--name value`,
// `--name=value`, boolean `--flag`, and (with `rest: true`) everything after a bare `--` kept
// verbatim (extra arguments for hr-orchestrate). A script declares its options once, in a spec;
// the same table gives the parser, the defaults, the value conversions and the --help text, so the
// help cannot drift from what is accepted. Unknown options are errors: a misspelt flag silently
// ignored would run a many-minute benchmark with the wrong settings.
//
//   spec = { usage: "node bench/x.mjs --out DIR [--n N]", rest: false,
//            options: { out: { value: "DIR", help: "…", required: true },
//                       n: { value: "N", help: "…", default: 3, parse: number },
//                       "no-doc": { help: "…" } } }      // no `value`: a boolean flag
//
// Values come back under camelCase keys (`--css-edits` → cssEdits), parsed and with defaults.
// Unlike a hand-rolled loop, parseArgs will not take a value that starts with `-` from the next
// argument (`--seed -1` is ambiguous to it); `--seed=-1` says it.
import { parseArgs } from "node:util";

export class UsageError extends Error {}

// Returns { values, rest }, or null once --help has been printed.
export function parseCli(argv, spec) {
  const { values, tokens } = parseRaw(argv, spec);
  if (values.help) {
    process.stdout.write(helpText(spec));
    return null;
  }
  return { values: finish(values, spec.options), rest: restAfterDashes(tokens, spec) };
}

// For scripts that read their options before doing anything else: --help prints and exits 0, a
// usage error prints one line and exits 2 (hr-orchestrate's usage exit code).
export function cliOptions(spec, argv = process.argv.slice(2)) {
  try {
    const parsed = parseCli(argv, spec);
    if (!parsed) process.exit(0);
    return parsed.values;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    reportUsage(err);
    process.exit(2);
  }
}

// Runs a CLI's main(argv), printing any error as one line and exiting 2 (usage) like
// hr-orchestrate does; a number main returns is the exit code.
export async function runCli(main) {
  try {
    const code = await main(process.argv.slice(2));
    if (typeof code === "number") process.exitCode = code;
  } catch (err) {
    reportUsage(err);
    process.exitCode = 2;
  }
}

function reportUsage(err) {
  process.stderr.write(`error: ${err.message} (--help for usage)\n`);
}

// ---- value conversions (spec `parse`): each gets the text and the flag, for the message --------

export function number(text, flag) {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag} takes a number, got "${text}"`);
  return n;
}

export const list = (text) => text.split(",");
export const numbers = (text, flag) => list(text).map((t) => number(t, flag));

// A comma-separated list of names from `known` (e.g. the systems a benchmark can run).
export const listOf = (known) => (text, flag) =>
  list(text).map((name) => {
    if (!known.includes(name)) throw new UsageError(`${flag}: unknown "${name}" (one of ${known.join(", ")})`);
    return name;
  });

export function toInteger(value, name, { min = -Infinity, max = Infinity } = {}) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got "${value}"`);
  }
  return n;
}

// ---- internals ---------------------------------------------------------------------------------

function parseRaw(argv, spec) {
  const options = { help: { type: "boolean" } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.value ? "string" : "boolean" };
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: !!spec.rest, tokens: true });
  } catch (err) {
    throw new UsageError(explain(err));
  }
}

// parseArgs' unknown-option message is mostly advice on quoting positionals; the flag is what matters.
function explain(err) {
  const flag = /'([^']+)'/.exec(err.message)?.[1];
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag) return `unknown option ${flag}`;
  return err.message;
}

function finish(values, options) {
  const out = {};
  for (const [name, o] of Object.entries(options)) {
    const flag = `--${name}`;
    if (values[name] === undefined && o.required) throw new UsageError(`${flag} is required`);
    const raw = values[name];
    out[camel(name)] = raw === undefined ? o.default : o.parse ? o.parse(raw, flag) : raw;
  }
  return out;
}

// Positionals are only allowed after `--` (they are passed on, not read).
function restAfterDashes(tokens, spec) {
  if (!spec.rest) return [];
  const dashes = tokens.find((t) => t.kind === "option-terminator");
  const stray = tokens.find((t) => t.kind === "positional" && (!dashes || t.index < dashes.index));
  if (stray) throw new UsageError(`unexpected argument "${stray.value}" (arguments to pass on go after --)`);
  return tokens.filter((t) => t.kind === "positional").map((t) => t.value);
}

function helpText(spec) {
  const rows = Object.entries(spec.options).map(([name, o]) => [`--${name}${o.value ? " " + o.value : ""}`, describe(o)]);
  rows.push(["--help", "this text"]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const lines = rows.map(([left, right]) => `  ${left.padEnd(width)}${right.replaceAll("\n", "\n" + " ".repeat(width + 2))}`);
  return `usage: ${spec.usage}\n${lines.join("\n")}\n`;
}

function describe(o) {
  if (o.required) return `${o.help} (required)`;
  const shown = o.shown ?? (Array.isArray(o.default) ? o.default.join(",") : o.default);
  return shown === undefined || shown === false ? o.help : `${o.help} (default ${shown})`;
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}
