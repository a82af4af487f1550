// The shape of a generated app, as plain data: which components exist, where their files live,
// which components each one and each page imports and with which specifier. Pure and deterministic:
// the same (components, pages, seed, shape, shared) always yields the same layout, so the simulator can rebuild it
// from the parameters saved beside the app instead of parsing the sources back.
import { createRng } from "./rng.mjs";
import { aliasSpecifier, relativeSpecifier } from "./paths.mjs";

export const ENTRY_ID = "app/entry.client.jsx";
export const ROOT_ID = "app/root.jsx";
export const STATE_ID = "utils/state.js";
export const CSS_ID = "styles/global.css";

// App shapes. "all": the root imports every page statically, so the first page loads the whole app
// (the shape docs/benchmarks.md measures). "slice": every page uses a slice of the app (the shared
// components every page renders, plus its own run of components) and the root imports the pages
// lazily (React.lazy + Suspense), as real routers do, so a page loads about 100 modules of 2,000.
export const SHAPES = ["all", "slice"];
export const DEFAULT_SHAPE = "all";

// Specifier styles rotate (not drawn at random) so every style appears even in a 50-component app.
const CHILD_STYLES = ["relative", "relative-bare", "relative", "alias", "alias-bare"];
const PAGE_STYLES = ["alias", "relative", "alias-bare", "relative-bare"];

export function defaultPageCount(components, shape = DEFAULT_SHAPE) {
  return Math.max(3, Math.round(components / (shape === "slice" ? 20 : 50)));
}

// Slice shape: how many components (0..K-1) every page renders besides its own run. 70 shared plus
// a run of ~20 plus the children they pull in make ~100 modules on a page at 2,000 and 10,000.
export function defaultSharedCount(components) {
  return Math.min(70, Math.floor(components / 4));
}

export function componentId(index) {
  return index % 3 === 2 ? `utils/components/widget_${index}.jsx` : `app_components/comp_${index}.jsx`;
}

export function componentName(index) {
  return index % 3 === 2 ? `Widget${index}` : `Comp${index}`;
}

export function pageId(index) {
  return index === 0 ? "app/routes/_index.jsx" : `app/routes/page_${index}.jsx`;
}

export function newPageId(k) {
  return `app/routes/page_new${k}.jsx`;
}

export function buildLayout({ components, pages, seed = 1, shape = DEFAULT_SHAPE, shared }) {
  if (!SHAPES.includes(shape)) throw new Error(`unknown shape "${shape}" (one of: ${SHAPES.join(", ")})`);
  pages ??= defaultPageCount(components, shape);
  if (pages > components) throw new Error(`more pages (${pages}) than components (${components})`);
  shared = shape === "slice" ? (shared ?? defaultSharedCount(components)) : 0;
  if (!Number.isInteger(shared) || shared < 0 || shared + pages > components) {
    throw new Error(`shared components (${shared}) plus pages (${pages}) exceed the components (${components})`);
  }
  // Components are planned the same way in every shape (same seed: same components and children).
  const rng = createRng(seed);
  const styleCounter = { n: 0 };
  const comps = [];
  for (let k = 0; k < components; k++) comps.push(planComponent(k, components, rng, styleCounter));
  const pageList = [];
  for (let p = 0; p < pages; p++) {
    pageList.push(shape === "slice" ? planSlicePage(p, pages, components, shared) : planPage(p, pages, components));
  }
  return { components: comps, pages: pageList };
}

function planComponent(index, total, rng, styleCounter) {
  const id = componentId(index);
  const children = pickChildren(index, total, rng).map((child) => {
    const style = CHILD_STYLES[styleCounter.n++ % CHILD_STYLES.length];
    return importOf(id, child, style);
  });
  // Reflex writes `$/utils/state`; one component in five omits the extension.
  const stateSpecifier = aliasSpecifier(STATE_ID, { extension: index % 5 !== 4 });
  return { index, id, name: componentName(index), children, stateSpecifier };
}

// Children always have a higher index, so the import graph has no cycles. Components 0 (the counter)
// and 1 (the default edit target) stay leaves so browser tests see exactly what they edit.
function pickChildren(index, total, rng) {
  if (index < 2) return [];
  const count = rng.chance(0.3) ? 1 : rng.chance(0.15) ? 2 : 0;
  const picked = new Set();
  for (let i = 0; i < count; i++) {
    const child = index + rng.int(1, 12);
    if (child < total) picked.add(child);
  }
  return [...picked];
}

function planPage(index, pageCount, componentCount) {
  const start = Math.floor((index * componentCount) / pageCount);
  const end = Math.floor(((index + 1) * componentCount) / pageCount);
  return pageSpec(index, range(start, end));
}

// Components 0..shared-1 on every page, then the page's own run of the rest.
function planSlicePage(index, pageCount, componentCount, shared) {
  const own = componentCount - shared;
  const start = shared + Math.floor((index * own) / pageCount);
  const end = shared + Math.floor(((index + 1) * own) / pageCount);
  return pageSpec(index, [...range(0, shared), ...range(start, end)]);
}

function pageSpec(index, componentIndexes) {
  const id = pageId(index);
  const imports = componentIndexes.map((k) => importOf(id, k, PAGE_STYLES[k % PAGE_STYLES.length]));
  const route = index === 0 ? "/" : `/page-${index}`;
  return { index, id, name: `Page${index}`, route, title: index === 0 ? "Home" : `Page ${index}`, imports };
}

function range(start, end) {
  const out = [];
  for (let k = start; k < end; k++) out.push(k);
  return out;
}

// One import of component `index` from module `fromId`: the local name, the specifier, the target id.
export function importOf(fromId, index, style) {
  const id = componentId(index);
  const extension = !style.endsWith("-bare");
  const specifier = style.startsWith("alias")
    ? aliasSpecifier(id, { extension })
    : relativeSpecifier(fromId, id, { extension });
  return { name: componentName(index), specifier, id };
}
