// The simulator's memory of an app, kept beside it in `.appgen.json`: the generation parameters
// (enough to rebuild the layout) and every edit applied since (labels, hooks, npm imports, the
// module left broken by a syntax-error edit, added pages). The compiler's equivalent is the Python
// source; here it is this small file.
import fs from "node:fs";
import path from "node:path";

export const STATE_FILE = ".appgen.json";

export function initialState({ components, pages, seed, backend, shape = "all", shared }) {
  return {
    version: 1,
    seed,
    components,
    pages,
    shape, // layout.mjs SHAPES; absent in apps written before shapes existed: "all"
    ...(shape === "slice" ? { shared } : {}),
    backend: backend ?? null,
    build: 1,
    edits: 0, // every applied edit bumps this; labels carry it so each edit shows new text
    cssEdits: 0,
    stateVersion: 1,
    newPages: [],
    broken: [], // ids left broken by syntax-error edits, most recent last
    overrides: {}, // module id -> { label, hooks, npm: [candidate index], broken }
  };
}

export function loadState(appDir) {
  const file = path.join(appDir, STATE_FILE);
  if (!fs.existsSync(file)) throw new Error(`${appDir} was not made by bench/appgen (no ${STATE_FILE})`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

export function saveState(appDir, state) {
  fs.writeFileSync(path.join(appDir, STATE_FILE), JSON.stringify(state, null, 1) + "\n");
}

export function overrideOf(state, id) {
  return (state.overrides[id] ??= {});
}
