// The small app the client tests run: an HTML shell laid out as docs/hmr-protocol.md says (client
// first, then the React Refresh preamble), a component module with a counter, a <link> stylesheet
// and a style module imported from JS. Every module has the contract's header and, for components,
// its refresh footer; the functions return new versions of a module for tests to serve.

export const INDEX_HTML = `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<script type="module" src="/@hr/client.js"></script>
<script type="module">
import RefreshRuntime from "/@deps/react-refresh-runtime.js";
RefreshRuntime.injectIntoGlobalHook(window);
window.$RefreshReg$ = () => {};
window.$RefreshSig$ = () => (type) => type;
window.__hr_refresh_runtime = RefreshRuntime;
</script>
<link rel="stylesheet" href="/link.css">
</head>
<body><div id="root"></div><script type="module" src="/main.js"></script></body>
</html>`;

function header(path) {
  return `import { createHotContext as __hr_hot } from "/@hr/client.js";\nimport.meta.hot = __hr_hot(${JSON.stringify(path)});\n`;
}

function refreshFooter(hooksSignature) {
  return `\nwindow.__hr_refresh_module?.(import.meta.url, import.meta.hot, ${JSON.stringify(hooksSignature)});\n`;
}

const MAIN_JS = `${header("/main.js")}
import { createElement } from "/@deps/react.js";
import { createRoot } from "/@deps/react-dom-client.js";
import { App } from "/app.js";
import "/styles/theme.css";
createRoot(document.getElementById("root")).render(createElement(App));
`;

// The component module. `withEffect` adds a hook (and says so in the hooks signature); `helper`
// adds an export that is not a component; `throwOnLoad` makes the module fail when evaluated.
export function appModule({ title, withEffect = false, helper = false, throwOnLoad = false }) {
  const hooks = withEffect ? "useState,useEffect" : "useState";
  return `${header("/app.js")}
import { createElement as h, useState, useEffect } from "/@deps/react.js";
${throwOnLoad ? 'throw new Error("app.js broke while loading");' : ""}
export function App() {
  const [count, setCount] = useState(0);
  ${withEffect ? "useEffect(() => {}, []);" : ""}
  return h("div", null,
    h("h1", { id: "title" }, ${JSON.stringify(title)}),
    h("button", { id: "inc", onClick: () => setCount((c) => c + 1) }, "count " + count));
}
${helper ? "export const helper = () => 1;" : ""}
${refreshFooter(hooks)}`;
}

// A style module imported from JS: one <style data-hr-css> element, updated in place.
export function styleModule(css) {
  const path = "/styles/theme.css";
  return `${header(path)}
const css = ${JSON.stringify(css)};
let style = document.querySelector('style[data-hr-css="${path}"]');
if (!style) {
  style = document.createElement("style");
  style.setAttribute("data-hr-css", ${JSON.stringify(path)});
  document.head.appendChild(style);
}
style.textContent = css;
import.meta.hot.accept();
`;
}

// A module that accepts a dependency (the dep-accept form of hot.accept), listens to a custom
// event and sends one; its dependency keeps a dispose counter in hot.data and has a prune callback.
// Both write what happens into window.__hot_log.
const HOT_API_JS = `${header("/hot_api.js")}
import { value } from "/dep.js";
import.meta.hot.accept("./dep.js", (next) => window.__hot_log.push("accepted dep " + next.value + ", old binding " + value));
import.meta.hot.on("my-event", (data) => window.__hot_log.push("custom " + data.n));
import.meta.hot.send("hello", { from: "hot_api" });
`;

export function depModule(value) {
  return `${header("/dep.js")}
export const value = ${JSON.stringify(value)};
(window.__hot_log ??= []).push("dep " + value + " evaluated, disposed " + (import.meta.hot.data.disposed ?? 0));
import.meta.hot.dispose((data) => { data.disposed = (data.disposed ?? 0) + 1; });
import.meta.hot.prune((data) => window.__hot_log.push("pruned after " + data.disposed + " dispose"));
`;
}

export const LINK_CSS_V1 = "#title { color: rgb(0, 0, 255); }";
export const LINK_CSS_V2 = "#title { color: rgb(255, 0, 0); }";
export const STYLE_CSS_V1 = "#inc { margin-left: 3px; }";
export const STYLE_CSS_V2 = "#inc { margin-left: 7px; }";

export function initialFiles() {
  const js = (text) => ({ type: "text/javascript", text });
  return {
    "/index.html": { type: "text/html", text: INDEX_HTML },
    "/main.js": js(MAIN_JS),
    "/app.js": js(appModule({ title: "Hello v1" })),
    "/styles/theme.css": js(styleModule(STYLE_CSS_V1)),
    "/link.css": { type: "text/css", text: LINK_CSS_V1 },
    "/hot_api.js": js(HOT_API_JS),
    "/dep.js": js(depModule("a")),
  };
}
