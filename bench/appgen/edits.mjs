// The edits the compiler simulator can apply, each as the compiler would do it: change the app's
// state (app-state.mjs), re-render and write the touched modules, then rewrite the manifest with new
// hashes, a new build id and the `changed` hint listing every module this recompile wrote.
import fs from "node:fs";
import path from "node:path";
import { loadState, overrideOf, saveState } from "./app-state.mjs";
import { CSS_ID, newPageId, ROOT_ID, STATE_ID } from "./layout.mjs";
import { readManifest, recompiledManifest, writeManifest } from "./manifest.mjs";
import { cssColor, kindOf, layoutFor, newPageSpec, NPM_CANDIDATES, renderModule, resolveTarget } from "./modules.mjs";

// kind -> (state, target) => { ids, description, keepBytes?, ...details }. Handlers update `state`.
const EDITS = {
  "component-text": editComponentText,
  "page-text": editPageText,
  css: editCss,
  state: editStateModule,
  identical: editIdentical,
  "backend-only": editBackendOnly,
  "syntax-error": editSyntaxError,
  "fix-syntax": editFixSyntax,
  "new-page": editNewPage,
  "new-npm-import": editNewNpmImport,
  hooks: editHooks,
};

export const EDIT_KINDS = Object.keys(EDITS);

// Applies one edit to the app in appDir. Returns { kind, build, changed, description, ...details }.
export function applyEdit(appDir, kind, { target } = {}) {
  const handler = EDITS[kind];
  if (!handler) throw new Error(`unknown edit "${kind}" (one of: ${EDIT_KINDS.join(", ")})`);
  const state = loadState(appDir);
  state.edits += 1;
  state.build += 1;
  const { ids, keepBytes, ...details } = handler(state, target);
  const records = ids.map((id) => (keepBytes ? recordOnDisk(appDir, state, id) : renderModule(state, id)));
  for (const record of records) writeModuleFile(appDir, record);
  saveState(appDir, state);
  writeManifest(appDir, recompiledManifest(readManifest(appDir), records, { build: state.build }));
  return { kind, build: String(state.build), changed: ids, ...details };
}

function writeModuleFile(appDir, record) {
  const file = path.join(appDir, record.id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, record.source);
}

// The module as the model describes it, but with the bytes currently on disk.
function recordOnDisk(appDir, state, id) {
  return { ...renderModule(state, id), source: fs.readFileSync(path.join(appDir, id)) };
}

function targetOf(state, target, fallback, wantedKind) {
  const id = resolveTarget(state, target ?? fallback);
  const kind = kindOf(state, id);
  if (wantedKind && !wantedKind.includes(kind)) throw new Error(`"${id}" is a ${kind}; this edit needs a ${wantedKind.join(" or ")}`);
  return id;
}

function editedLabel(state, id) {
  const kind = kindOf(state, id);
  const base = kind === "page" ? pageTitle(state, id) : `Component ${componentIndex(state, id)}`;
  return `${base} (edit ${state.edits})`;
}

function pageTitle(state, id) {
  const page = layoutFor(state).byId.get(id)?.spec;
  if (page) return page.title;
  return newPageSpec(state, state.newPages.find((k) => newPageId(k) === id)).title;
}

function componentIndex(state, id) {
  return layoutFor(state).byId.get(id).spec.index;
}

function editComponentText(state, target) {
  const id = targetOf(state, target, "comp_1", ["component"]);
  const text = (overrideOf(state, id).label = editedLabel(state, id));
  return { ids: [id], text, description: `${id}: text is now "${text}"` };
}

function editPageText(state, target) {
  const id = targetOf(state, target, "_index", ["page"]);
  const text = (overrideOf(state, id).label = editedLabel(state, id));
  return { ids: [id], text, description: `${id}: title is now "${text}"` };
}

function editCss(state) {
  state.cssEdits += 1;
  const color = cssColor(state.cssEdits);
  return { ids: [CSS_ID], color, description: `${CSS_ID}: [data-testid="comp-0"] color is now ${color}` };
}

function editStateModule(state) {
  state.stateVersion += 1;
  const version = state.stateVersion;
  return { ids: [STATE_ID], version, description: `${STATE_ID}: STATE_VERSION is now ${version} (every component imports it)` };
}

function editIdentical(state, target) {
  const id = targetOf(state, target, "comp_1");
  return { ids: [id], keepBytes: true, description: `${id}: rewritten with the same bytes` };
}

function editBackendOnly() {
  return { ids: [], description: "backend-only recompile: no module written" };
}

function editSyntaxError(state, target) {
  const id = targetOf(state, target, "comp_1", ["component", "page"]);
  overrideOf(state, id).broken = true;
  state.broken = [...(state.broken ?? []).filter((b) => b !== id), id];
  const source = renderModule(state, id).source;
  const error = { file: id, line: source.split("\n").length, column: 0, text: "Unexpected end of file before a closing tag" };
  return { ids: [id], error, description: `${id}: broken (unterminated JSX element), esbuild reports ${id}:${error.line}:${error.column}` };
}

function editFixSyntax(state) {
  const id = (state.broken ?? []).pop();
  if (!id) throw new Error("no broken module to fix (apply a syntax-error edit first)");
  const override = overrideOf(state, id);
  override.broken = false;
  const text = (override.label = editedLabel(state, id));
  return { ids: [id], text, description: `${id}: fixed, text is now "${text}"` };
}

function editNewPage(state) {
  const k = state.newPages.length + 1;
  state.newPages.push(k);
  const page = newPageSpec(state, k);
  return { ids: [page.id, ROOT_ID], route: page.route, description: `${page.id}: new page at ${page.route}, wired into ${ROOT_ID}` };
}

function editNewNpmImport(state, target) {
  const id = targetOf(state, target, "comp_1", ["component"]);
  const used = new Set(Object.values(state.overrides).flatMap((o) => o.npm ?? []));
  const next = NPM_CANDIDATES.findIndex((_, i) => !used.has(i));
  if (next < 0) throw new Error(`every npm package this edit knows (${NPM_CANDIDATES.map((c) => c.specifier).join(", ")}) is already imported`);
  const override = overrideOf(state, id);
  override.npm = [...(override.npm ?? []), next];
  const { specifier } = NPM_CANDIDATES[next];
  return { ids: [id], specifier, testid: `comp-${componentIndex(state, id)}-npm-${override.npm.length - 1}`,
    description: `${id}: now imports the bare package "${specifier}" (new to the app)` };
}

function editHooks(state, target) {
  const id = targetOf(state, target, "comp_1", ["component"]);
  const override = overrideOf(state, id);
  override.hooks = (override.hooks ?? 0) + 1;
  return { ids: [id], hooks: override.hooks, description: `${id}: now has ${override.hooks} extra useState/useEffect pair(s)` };
}
