"""A small React app written the way a Python compiler writes one: through ManifestWriter.

Seven modules, Reflex-shaped (an entry, a root, one page, two components, the app state, a global
stylesheet), in a temporary folder with the checkout's pinned ``npm/node_modules`` linked in, as
bench/appgen's apps are. Each ``compile`` is one recompile: the compiler declares every module
from the app's current settings (a label, a colour, a syntax error or not) and writes.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from hr_orchestrate import Hints, ManifestWriter

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "npm" / "node_modules"

ENTRY = "app/entry.client.jsx"
ROOT = "app/root.jsx"
PAGE = "app/routes/_index.jsx"
COUNTER = "app_components/counter.jsx"
LABEL = "app_components/label.jsx"
STATE = "utils/state.js"
CSS = "styles/global.css"

# The line a broken label puts its syntax error on, and the column esbuild points at (the ';').
BROKEN_LINE_TEXT = "const oops = (;"


class SmallApp:
    def __init__(self, folder: Path) -> None:
        self.root = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
        pinned = json.loads((REPO / "npm" / "package.json").read_text())["dependencies"]
        deps = {k: pinned[k] for k in ("react", "react-dom", "react-refresh")}
        (folder / "package.json").write_text(
            json.dumps(
                {"name": "small-app", "private": True, "type": "module", "dependencies": deps}
            )
        )
        (folder / "index.html").write_text(
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8" /><title>small app</title></head>\n'
            f'<body><div id="root"></div><script type="module" src="/{ENTRY}"></script></body></html>\n'
        )
        self.writer = ManifestWriter(folder, alias={"$": "."})
        self.manifest = self.writer.manifest_path
        self.label = "hello"
        self.color = "#111111"
        self.broken = False

    def label_source(self) -> str:
        lines = [
            'import React from "react";',
            "",
            f"const LABEL = {json.dumps(self.label)};",
        ]
        if self.broken:
            lines.append(BROKEN_LINE_TEXT)
        lines += [
            "",
            "export default function Label() {",
            '  return <span className="label">{LABEL}</span>;',
            "}",
            "",
        ]
        return "\n".join(lines)

    def broken_location(self) -> tuple[int, int]:
        """(line, column) of the syntax error a broken label has."""
        line = self.label_source().split("\n").index(BROKEN_LINE_TEXT) + 1
        return line, BROKEN_LINE_TEXT.index(";")

    def compile(self) -> Hints:
        w = self.writer
        w.module(
            ENTRY,
            (
                'import React from "react";\nimport { createRoot } from "react-dom/client";\n'
                'import App from "./root.jsx";\n\ncreateRoot(document.getElementById("root")).render(<App />);\n'
            ),
            kind="entry",
            imports=[ROOT],
        )
        w.module(
            ROOT,
            (
                'import React from "react";\nimport { StateProvider } from "$/utils/state.js";\n'
                'import "$/styles/global.css";\nimport Index from "./routes/_index.jsx";\n\n'
                "export default function App() {\n  return <StateProvider><Index /></StateProvider>;\n}\n"
            ),
            imports=[STATE, CSS, PAGE],
        )
        w.module(
            PAGE,
            (
                'import React from "react";\nimport Counter from "$/app_components/counter.jsx";\n'
                'import Label from "$/app_components/label.jsx";\n\n'
                "export default function Index() {\n  return <main><Label /><Counter /></main>;\n}\n"
            ),
            kind="page",
            route="/",
            imports=[COUNTER, LABEL],
        )
        w.module(
            COUNTER,
            (
                'import React, { useState } from "react";\nimport { useAppState } from "$/utils/state.js";\n\n'
                "export default function Counter() {\n  const { theme } = useAppState();\n"
                "  const [n, setN] = useState(0);\n"
                "  return <button data-theme={theme} onClick={() => setN(n + 1)}>{n}</button>;\n}\n"
            ),
            kind="component",
            imports=[STATE],
        )
        w.module(LABEL, self.label_source(), kind="component")
        w.module(
            STATE,
            (
                'import { createContext, createElement, useContext } from "react";\n\n'
                'const State = createContext({ theme: "light" });\n'
                "export function StateProvider({ children }) {\n"
                '  return createElement(State.Provider, { value: { theme: "light" } }, children);\n}\n'
                "export function useAppState() {\n  return useContext(State);\n}\n"
            ),
        )
        w.module(CSS, f"body {{ margin: 0; }}\n.label {{ color: {self.color}; }}\n", kind="style")
        return w.write()


def get(url: str, path: str) -> tuple[int, str]:
    """A GET as a browser sends it (navigations accept text/html), over loopback."""
    req = urllib.request.Request(url.rstrip("/") + path, headers={"Accept": "text/html,*/*"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read().decode("utf-8", "replace")


def load_everything(url: str, manifest: Path) -> None:
    """What a browser does on load: fetch the page and every module, so the server counts them
    as loaded (a module no browser has is not updated)."""
    get(url, "/")
    for m in json.loads(manifest.read_text())["modules"]:
        get(url, "/" + m["id"])
