"""The compiler's call through the Python client (python/hr_orchestrate), for the `hr-py` system.

A Python compiler keeps one process alive and calls ``Client.recompile`` after each recompile:
no process is started per call. This script is that process. It reads one JSON request a line on
stdin ({"wait_applied": MS}, or {} for none; {"stop": true} stops the server) and answers one
JSON line on stdout: the action, reason and timings, and ``callMs``, the call's wall time as
the compiler sees it. The first call starts the server through the CLI, as the client does.

Run: PYTHONPATH=python /usr/bin/python3 bench/compare/servers/py-compiler.py --manifest M --port P
"""

import argparse
import dataclasses
import json
import sys
import time

from hr_orchestrate import Client, HrError


def answer(client: Client, request: dict) -> dict:
    if request.get("stop"):
        return {"stopped": client.stop()}
    started = time.perf_counter()
    try:
        r = client.recompile(wait_applied=request.get("wait_applied"))
    except HrError as e:
        return {"error": f"{type(e).__name__}: {e}", "callMs": (time.perf_counter() - started) * 1000}
    return {
        "callMs": (time.perf_counter() - started) * 1000,
        "build": r.build,
        "action": r.action,
        "reason": r.reason,
        "errors": [str(e) for e in r.errors],
        "timings": dataclasses.asdict(r.timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--binary", required=True, help="the hr-orchestrate binary")
    args = parser.parse_args()
    client = Client(args.manifest, binary=args.binary, port=args.port, log_level="warn")
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(client, json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
