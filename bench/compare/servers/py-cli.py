"""The compiler's call through the CLI, started the way a Python compiler starts it, for the
`hr-cli` system.

Reflex's compiler is a Python process. It would run ``hr-orchestrate --manifest M`` after each
recompile with ``subprocess.run``, which starts the child by vfork (about 0.7 ms here, whatever the
compiler's size). The benchmark's driver is node, whose ``spawn`` forks: its cost grows with the
driver's heap (1.4 ms from a small node, 3 to 4 ms from the driver at 10,000 components), which is
the harness's cost and not the compiler's. This script is that compiler's process: it reads one JSON
request a line on stdin ({"args": [...]}, the flags after the manifest's) and answers one JSON line:
the CLI's exit code, its JSON answer, and ``callMs``, the call's wall time as the compiler sees it.

Run: /usr/bin/python3 bench/compare/servers/py-cli.py --binary B --manifest M --port P
"""

import argparse
import json
import subprocess
import sys
import time


def call(base: list[str], extra: list[str]) -> dict:
    started = time.perf_counter()
    p = subprocess.run(base + extra, capture_output=True, text=True)
    ms = (time.perf_counter() - started) * 1000
    answers = [line for line in p.stdout.splitlines() if line.startswith("{")]
    return {
        "code": p.returncode,
        "callMs": ms,
        "result": json.loads(answers[-1]) if answers else None,
        "output": (p.stdout + p.stderr)[-3000:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the hr-orchestrate binary")
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    base = [args.binary, "--manifest", args.manifest, "--port", str(args.port)]
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(call(base, json.loads(line).get("args", []))), flush=True)


if __name__ == "__main__":
    main()
