"""The modules every app gets besides its components: the backend link, the router, the entry, the
HTML shell.

`runtime/backend.js` opens one WebSocket to `/_ws` on the page's own origin (hr-orchestrate
proxies it to the Python backend) and keeps the backend's state in a store that components read
with `useBackend()`. It is not an HMR boundary and its text never depends on the app, so a hot
update never runs it again: the socket and the state it holds outlive every component update.
"""

from __future__ import annotations

import json

RUNTIME_JS = """\
// Written by examples/python-framework: the page's link to the Python backend. One WebSocket to
// /_ws on this origin (hr-orchestrate proxies it to the backend); the backend answers every event
// with the session's state, which components read with useBackend().
import { useSyncExternalStore } from "react";

let state = {};
let socket = null;
const listeners = new Set();
const pending = [];

// The session survives reloads of this tab, so the backend keeps its state for it.
function token() {
  let t = sessionStorage.getItem("pyfw:token");
  if (!t) {
    t = Math.random().toString(36).slice(2) + Date.now().toString(36);
    sessionStorage.setItem("pyfw:token", t);
  }
  return t;
}

function connect(delay) {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/_ws`);
  ws.onopen = () => {
    ws.send(JSON.stringify({ type: "hello", token: token() }));
    socket = ws;
    delay = 100;
    for (const message of pending.splice(0)) ws.send(message);
  };
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "state") {
      state = message.state;
      window.__pyfw_events = (window.__pyfw_events ?? 0) + 1;
      for (const listener of listeners) listener();
    } else if (message.type === "error") {
      console.error(`[backend] ${message.message}`);
    }
  };
  ws.onclose = () => {
    socket = null;
    setTimeout(() => connect(Math.min(delay * 2, 5000)), delay);
  };
}
connect(100);

export function send(name, ...args) {
  const message = JSON.stringify({ type: "event", name, args });
  if (socket) socket.send(message);
  else pending.push(message);
}

function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useBackend() {
  return useSyncExternalStore(subscribe, () => state);
}
"""


def router_js(pages: list[tuple[str, str, str]], style_ids: list[str]) -> str:
    """app/root.js: picks the page for location.pathname. pages: (route, name, module id)."""
    lines = [
        "// Written by examples/python-framework: the app shell, a tiny router over the pages.",
        'import { createElement as h } from "react";',
    ]
    lines += [f"import {json.dumps('../' + sid)};" for sid in style_ids]
    lines += [f"import {name} from {json.dumps('../' + mid)};" for _, name, mid in pages]
    routes = ", ".join(f"[{json.dumps(route)}, {name}]" for route, name, _ in pages)
    lines += [
        "",
        f"const ROUTES = new Map([{routes}]);",
        "",
        "export default function Root() {",
        '  const path = location.pathname.replace(/\\/+$/, "") || "/";',
        "  const Page = ROUTES.get(path);",
        '  return Page ? h(Page, null) : h("p", { "data-testid": "not-found" }, "Not found: " + path);',
        "}",
        "",
    ]
    return "\n".join(lines)


ENTRY_JS = """\
// Written by examples/python-framework: the entry the HTML shell loads; mounts the app.
import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import Root from "./root.js";

createRoot(document.getElementById("root")).render(h(Root, null));
"""


def html(title: str) -> str:
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>{title}</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/app/entry.js"></script>
  </body>
</html>
"""
