// The detection corpus: edits labelled with what the browser needs after them.
//   none        the served app did not change (same bytes rewritten; backend-only recompile)
//   css         only a stylesheet changed
//   js-update   components or pages changed: hot swap, state kept
//   full-reload the shared state module changed (not a boundary; every component imports it)
// want(state before the edit) names the element and value that show the change on the home page.
import { cssColor } from "../../appgen/modules.mjs";

const label = (k) => (st, i) => ({ id: `a${i}`, selector: `[data-testid="comp-${k}"] > .label`, text: `Component ${k} (edit ${st.edits + 1})` });
const color = (st, i) => ({ id: `a${i}`, selector: '[data-testid="comp-0"]', prop: "color", value: cssColor(st.cssEdits + 1) });
const title = (st, i) => ({ id: `a${i}`, selector: '[data-testid="page-title"]', text: `Home (edit ${st.edits + 1})` });
const version = (st, i) => ({ id: `a${i}`, selector: '[data-testid="state-version"]', text: `State v${st.stateVersion + 1}` });
const hooks = (k) => (st, i) => ({ id: `a${i}`, selector: `[data-testid="comp-${k}-hooks"]` });
const newPage = (st, i) => ({ id: `a${i}`, selector: `a[href="/page-new-${st.newPages.length + 1}"]` });

export const CORPUS = [
  { kind: "identical", target: "comp_1", expect: "none" },
  { kind: "component-text", target: "comp_1", expect: "js-update", want: label(1) },
  { kind: "backend-only", expect: "none" },
  { kind: "css", expect: "css", want: color },
  { kind: "identical", target: "widget_5", expect: "none" },
  { kind: "component-text", target: "comp_3", expect: "js-update", want: label(3) },
  { kind: "backend-only", expect: "none" },
  { kind: "page-text", target: "_index", expect: "js-update", want: title },
  { kind: "css", expect: "css", want: color },
  { kind: "identical", target: "_index", expect: "none" },
  { kind: "component-text", target: "widget_5", expect: "js-update", want: label(5) },
  { kind: "identical", target: "styles/global.css", expect: "none" },
  { kind: "hooks", target: "comp_4", expect: "js-update", want: hooks(4) },
  { kind: "backend-only", expect: "none" },
  // Not scored: the manifest declares app/root.jsx kind "module" (not a boundary), so a new page
  // wired into it is a full reload by contract; Vite sees React exports and hot-swaps it.
  { kind: "new-page", expect: "js-update", want: newPage, scored: false },
  { kind: "css", expect: "css", want: color },
  { kind: "state", expect: "full-reload", want: version },
  { kind: "identical", target: "utils/state.js", expect: "none" },
  { kind: "state", expect: "full-reload", want: version },
  { kind: "component-text", target: "comp_1", expect: "js-update", want: label(1) },
];
