// The manifest v1 (/work/shared/spec/manifest-v1.md) as the compiler writes it: content hashes of
// the bytes written, resolved app imports, the `$` alias, a build id, and after a recompile the
// `changed` hint. Written atomically (temp file + rename) so a reader never sees half a manifest.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ENTRY_ID } from "./layout.mjs";

export const MANIFEST_FILE = "manifest.json";

export function contentHash(bytes) {
  return crypto.createHash("sha1").update(bytes).digest("hex").slice(0, 16);
}

// One manifest module entry from a rendered module record.
export function manifestModule(record) {
  const entry = { id: record.id, kind: record.kind };
  if (record.route !== undefined) entry.route = record.route;
  entry.hash = contentHash(record.source);
  if (record.imports !== undefined) entry.imports = record.imports;
  return entry;
}

export function buildManifest(records, { build, backend }) {
  const manifest = {
    version: 1,
    build: String(build),
    entries: [ENTRY_ID],
    resolve: { alias: { $: "." } },
  };
  if (backend) manifest.backend = backend;
  manifest.modules = records.map(manifestModule);
  return manifest;
}

// The manifest this process wrote last, per file, with its bytes and where each module's JSON
// lies in them: the next edit copies the unchanged runs of modules byte for byte while the file on
// disk is still that one (same inode, size and mtime). A compiler keeps its manifest in memory
// too; serializing and encoding 10,000 modules again per edit cost the simulator about 3 ms, which
// every benchmarked system would have paid.
const lastWritten = new Map(); // file -> { stamp, manifest, bytes, spans: WeakMap(module -> [start, end]) }

function stampOf(file) {
  const s = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}` : null;
}

export function readManifest(appDir) {
  const file = path.join(appDir, MANIFEST_FILE);
  const last = lastWritten.get(file);
  if (last && stampOf(file) === last.stamp) return last.manifest;
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

export function writeManifest(appDir, manifest) {
  const file = path.join(appDir, MANIFEST_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const { bytes, spans } = manifestBytes(manifest, lastWritten.get(file));
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
  lastWritten.set(file, { stamp: stampOf(file), manifest, bytes, spans });
}

// JSON.stringify(manifest) + "\n", with `modules` last: a module object the last write wrote is
// copied from its bytes (consecutive ones as one slice), any other is serialized.
function manifestBytes(manifest, last) {
  const { modules = [], ...rest } = manifest;
  const head = JSON.stringify(rest);
  const chunks = [Buffer.from(`${head === "{}" ? "{" : head.slice(0, -1) + ","}"modules":[`)];
  const spans = new WeakMap();
  let size = chunks[0].length;
  let run = null; // [start, end] of last.bytes being copied as one slice
  const flush = () => {
    if (run) chunks.push(last.bytes.subarray(run[0], run[1]));
    run = null;
  };
  modules.forEach((m, i) => {
    const old = last?.spans.get(m);
    const at = size + (i ? 1 : 0);
    if (old && run && old[0] === run[1] + 1) {
      run[1] = old[1];
    } else {
      flush();
      if (i) chunks.push(COMMA);
      if (old) run = [old[0], old[1]];
      else chunks.push(Buffer.from(JSON.stringify(m)));
    }
    const length = old ? old[1] - old[0] : chunks[chunks.length - 1].length;
    spans.set(m, [at, at + length]);
    size = at + length;
  });
  flush();
  chunks.push(Buffer.from("]}\n"));
  return { bytes: Buffer.concat(chunks), spans };
}
const COMMA = Buffer.from(",");

// A recompile: the written records replace (or add) their modules, `changed` lists exactly them.
export function recompiledManifest(previous, written, { build }) {
  const next = { ...previous, build: String(build), changed: written.map((r) => r.id) };
  delete next.removed;
  const modules = [...previous.modules];
  let indexById = indexOf(previous.modules);  // copied only when a module is added
  for (const record of written) {
    const entry = manifestModule(record);
    if (indexById.has(record.id)) {
      modules[indexById.get(record.id)] = entry;
    } else {
      if (indexById === indexes.get(previous.modules)) indexById = new Map(indexById);
      indexById.set(record.id, modules.push(entry) - 1);
    }
  }
  next.modules = modules;
  indexes.set(modules, indexById);
  return next;
}

// id -> position, per modules array, so an edit does not index 10,000 modules again.
const indexes = new WeakMap();
function indexOf(modules) {
  if (!indexes.has(modules)) indexes.set(modules, new Map(modules.map((m, i) => [m.id, i])));
  return indexes.get(modules);
}

// The modules a browser loads for one page: the entries' closure without the other pages (a
// slice-shaped root reaches them only through import(), which runs for the page being shown).
export function pageModules(manifest, pageId) {
  const byId = new Map(manifest.modules.map((m) => [m.id, m]));
  const seen = new Set();
  const stack = [...manifest.entries, pageId];
  while (stack.length) {
    const id = stack.pop();
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of byId.get(id)?.imports ?? []) if (byId.get(dep)?.kind !== "page" || dep === pageId) stack.push(dep);
  }
  return seen;
}
