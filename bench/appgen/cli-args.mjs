// A small argument parser shared by the two CLIs: `--name value`, `--name=value`, `--flag`, and
// everything after a bare `--` kept verbatim (extra arguments for hr-orchestrate).

export function parseArgs(argv, { flags = [] } = {}) {
  const options = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const name = toCamel(arg.slice(2, eq < 0 ? undefined : eq));
    if (eq >= 0) options[name] = arg.slice(eq + 1);
    else if (flags.includes(name)) options[name] = true;
    else if (i + 1 < argv.length) options[name] = argv[++i];
    else throw new Error(`${arg} needs a value`);
  }
  return { options, rest };
}

export function toInteger(value, name, { min = -Infinity, max = Infinity } = {}) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be an integer in [${min}, ${max}], got "${value}"`);
  }
  return n;
}

// Runs a CLI's main, printing errors as one line and exiting 2 (usage) like hr-orchestrate does.
export async function runCli(main) {
  try {
    const code = await main(process.argv.slice(2));
    if (typeof code === "number") process.exitCode = code;
  } catch (err) {
    process.stderr.write(`error: ${err.message} (--help for usage)\n`);
    process.exitCode = 2;
  }
}

function toCamel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}
