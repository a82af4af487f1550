// Where things live: the repository (found from this file, never hard-coded), its pinned npm tree,
// and the module-id <-> import-specifier arithmetic the generated sources use.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const NPM_DIR = path.join(REPO_DIR, "npm");
export const NODE_MODULES_DIR = path.join(NPM_DIR, "node_modules");

// Folder part of a module id: "app/routes/x.jsx" -> "app/routes".
export function idDir(id) {
  return path.posix.dirname(id);
}

export function stripExtension(id) {
  return id.replace(/\.(jsx?|tsx?|mjs)$/, "");
}

// The relative specifier from module `fromId` to module `toId`, as a compiler writes it.
export function relativeSpecifier(fromId, toId, { extension = true } = {}) {
  let rel = path.posix.relative(idDir(fromId), toId);
  if (!rel.startsWith(".")) rel = "./" + rel;
  return extension ? rel : stripExtension(rel);
}

// The `$/`-aliased specifier of a module (the manifest maps "$" to the app root).
export function aliasSpecifier(toId, { extension = true } = {}) {
  return "$/" + (extension ? toId : stripExtension(toId));
}
