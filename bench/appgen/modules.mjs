// Turns the layout plus the applied edits into the app's modules: for each module id its kind,
// route, resolved imports and source text. The generator renders all of them; an edit re-renders
// only what it touched.
import { buildLayout, componentId, CSS_ID, ENTRY_ID, importOf, newPageId, ROOT_ID, STATE_ID } from "./layout.mjs";
import { aliasSpecifier, relativeSpecifier } from "./paths.mjs";
import * as T from "./templates.mjs";

// Bare imports a component can start using (the "new npm import" edit), in the order they are used.
export const NPM_CANDIDATES = [
  { specifier: "react-dom", imported: "version", expression: "String(npm0)" },
  { specifier: "react-dom/server", imported: "version", expression: "String(npm1)" },
  { specifier: "scheduler", imported: "unstable_now", expression: "typeof npm2" },
];

const layoutCache = new Map();

// The layout for an app's parameters; cached because a burst of edits reuses it.
export function layoutFor(state) {
  const key = `${state.components}/${state.pages}/${state.seed}/${state.shape ?? "all"}/${state.shared}`;
  if (!layoutCache.has(key)) layoutCache.set(key, indexLayout(buildLayout(state)));
  return layoutCache.get(key);
}

function indexLayout(layout) {
  const byId = new Map();
  for (const c of layout.components) byId.set(c.id, { kind: "component", spec: c });
  for (const p of layout.pages) byId.set(p.id, { kind: "page", spec: p });
  return { ...layout, byId };
}

export function allModuleIds(state) {
  const layout = layoutFor(state);
  return [
    ENTRY_ID,
    ROOT_ID,
    STATE_ID,
    CSS_ID,
    ...layout.pages.map((p) => p.id),
    ...state.newPages.map(newPageId),
    ...layout.components.map((c) => c.id),
  ];
}

export function renderAll(state) {
  return allModuleIds(state).map((id) => renderModule(state, id));
}

export function kindOf(state, id) {
  return describe(state, id).kind;
}

// { id, kind, route?, imports, source } for one module id.
export function renderModule(state, id) {
  const { kind, spec } = describe(state, id);
  switch (kind) {
    case "entry":
      return { id, kind, imports: [ROOT_ID], source: T.renderEntry({ rootSpecifier: "./root.jsx", lazy: state.shape === "slice" }) };
    case "root":
      return renderRootModule(state);
    case "state":
      return { id, kind: "module", imports: [], source: T.renderState({ version: state.stateVersion }) };
    case "style":
      return { id, kind, source: T.renderCss({ color: cssColor(state.cssEdits) }) };
    case "page":
      return renderPageModule(state, spec);
    case "component":
      return renderComponentModule(state, spec);
  }
  throw new Error(`unknown module id "${id}"`);
}

function describe(state, id) {
  if (id === ENTRY_ID) return { kind: "entry" };
  if (id === ROOT_ID) return { kind: "root" };
  if (id === STATE_ID) return { kind: "state" };
  if (id === CSS_ID) return { kind: "style" };
  const known = layoutFor(state).byId.get(id);
  if (known) return known;
  const k = state.newPages.find((n) => newPageId(n) === id);
  if (k !== undefined) return { kind: "page", spec: newPageSpec(state, k) };
  return { kind: "unknown" };
}

export function newPageSpec(state, k) {
  const id = newPageId(k);
  const picks = [1, 2].filter((i) => i < state.components);
  const imports = picks.map((i, n) => importOf(id, i, n % 2 ? "relative-bare" : "alias"));
  return { id, name: `PageNew${k}`, route: `/page-new-${k}`, title: `New page ${k}`, imports };
}

function pagesOf(state) {
  const layout = layoutFor(state);
  return [...layout.pages, ...state.newPages.map((k) => newPageSpec(state, k))];
}

function renderRootModule(state) {
  const pages = pagesOf(state).map((p) => ({ ...p, specifier: relativeSpecifier(ROOT_ID, p.id) }));
  const source = T.renderRoot({
    lazy: state.shape === "slice",
    stateSpecifier: aliasSpecifier(STATE_ID),
    cssSpecifier: relativeSpecifier(ROOT_ID, CSS_ID),
    pages,
  });
  return { id: ROOT_ID, kind: "module", imports: [STATE_ID, CSS_ID, ...pages.map((p) => p.id)], source };
}

function renderPageModule(state, spec) {
  const o = state.overrides[spec.id] ?? {};
  const view = { ...spec, label: o.label ?? spec.title, broken: !!o.broken };
  const imports = unique(spec.imports.map((imp) => imp.id));
  return { id: spec.id, kind: "page", route: spec.route, imports, source: T.renderPage(view) };
}

function renderComponentModule(state, spec) {
  const o = state.overrides[spec.id] ?? {};
  const view = {
    ...spec,
    counter: spec.index === 0,
    label: o.label ?? `Component ${spec.index}`,
    hooks: o.hooks ?? 0,
    npm: (o.npm ?? []).map((n) => ({ ...NPM_CANDIDATES[n], local: `npm${n}` })),
    broken: !!o.broken,
  };
  const imports = unique([STATE_ID, ...spec.children.map((c) => c.id)]);
  return { id: spec.id, kind: "component", imports, source: T.renderComponent(view) };
}

// rgb() so a browser's computed style reads back the same text; consecutive edits always differ.
export function cssColor(n) {
  return `rgb(${(37 * n) % 256}, ${(91 * n + 40) % 256}, ${(53 * n + 200) % 256})`;
}

// Accepts a module id ("app_components/comp_3.jsx"), a short name ("comp_3", "widget_5", "_index")
// or a component number ("5" is whichever of comp_5 / widget_5 exists).
export function resolveTarget(state, target) {
  const ids = allModuleIds(state);
  if (ids.includes(target)) return target;
  if (/^\d+$/.test(target) && Number(target) < state.components) return componentId(Number(target));
  const match = ids.find((id) => id.replace(/^.*\//, "").replace(/\.[^.]+$/, "") === target);
  if (!match) throw new Error(`no module "${target}" in this app`);
  return match;
}

function unique(items) {
  return [...new Set(items)];
}
