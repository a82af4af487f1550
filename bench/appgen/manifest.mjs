// The manifest v1 (/work/shared/spec/manifest-v1.md) as the compiler writes it: content hashes of
// the bytes written, resolved app imports, the `$` alias, a build id, and after a recompile the
// `changed` hint. Written atomically (a rename) so a reader never sees half a manifest.
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
// every benchmarked system would have paid. A module is unchanged when the new modules array holds
// the same object at the same index (recompiledManifest replaces only what it wrote); the bytes
// go into one of two buffers kept between writes, so an edit allocates and frees no megabytes.
const lastWritten = new Map(); // file -> { stamp, manifest, bytes, modules, ends: Int32Array, arenas }

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
  const last = lastWritten.get(file);
  const written = manifestBytes(manifest, last, last?.arenas ?? [Buffer.alloc(0), Buffer.alloc(0)]);
  const turn = last ? 1 - last.turn : 0;
  // Another process's spare may be the manifest itself (a hard link): start both afresh.
  if (!last) for (const n of [0, 1]) fs.rmSync(`${file}.spare${n}`, { force: true });
  replaceFile(file, `${file}.spare${turn}`, written.bytes);
  lastWritten.set(file, { stamp: stampOf(file), manifest, turn, ...written });
}

// Atomically (a reader of `file` sees the old bytes or the new), without the allocation that made
// the rename cost a millisecond at 10,000 modules (1.6 MB): two files take turns, each kept by a
// spare name too, so the rename frees nothing and the next write but one overwrites blocks it
// already has. A reader still reading the manifest two writes later would see it change; servers
// read it while the compiler's call waits. The spare's second name is made before the rename (a
// link changes the file's ctime): once the manifest is in place nothing touches it, as with a
// compiler's plain write-and-rename, and a server that read it on the rename sees it unchanged.
function replaceFile(file, spare, bytes) {
  let fd;
  try {
    fd = fs.openSync(spare, "r+");
  } catch {
    fd = fs.openSync(spare, "w");
  }
  try {
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    fs.ftruncateSync(fd, bytes.length);
  } finally {
    fs.closeSync(fd);
  }
  const next = `${file}.next`;
  fs.rmSync(next, { force: true });
  fs.linkSync(spare, next);
  fs.renameSync(next, file);
}

// JSON.stringify(manifest) + "\n", with `modules` last: a run of modules the last write wrote at
// the same indexes is copied from its bytes as one slice, any other module is serialized.
function manifestBytes(manifest, last, arenas) {
  const { modules = [], ...rest } = manifest;
  const head = JSON.stringify(rest);
  const parts = [Buffer.from(`${head === "{}" ? "{" : head.slice(0, -1) + ","}"modules":[`)];
  const ends = new Int32Array(modules.length); // where module i's JSON ends, from the first module's start
  let size = 0;
  const copied = (from, to) => { // modules [from, to) of the last write, as one slice
    const start = from ? last.ends[from - 1] + 1 : 0;
    parts.push(last.bytes.subarray(last.head + start, last.head + last.ends[to - 1]));
    for (let j = from; j < to; j++) ends[j] = size + last.ends[j] - start;
    size = ends[to - 1];
  };
  for (let i = 0; i < modules.length; ) {
    if (i) parts.push(COMMA), (size += 1);
    let j = i;
    while (j < modules.length && last?.modules[j] === modules[j] && j < last.modules.length) j++;
    if (j > i) {
      copied(i, j);
      i = j;
      continue;
    }
    const json = Buffer.from(JSON.stringify(modules[i]));
    parts.push(json);
    ends[i++] = size += json.length;
  }
  parts.push(TAIL);
  const total = parts.reduce((n, p) => n + p.length, 0);
  // The buffer the last write's bytes are not in; grown with room for a few edits.
  const spare = last?.bytes.buffer === arenas[0].buffer ? 1 : 0;
  if (arenas[spare].length < total) arenas[spare] = Buffer.allocUnsafeSlow(Math.ceil(total * 1.25));
  let at = 0;
  for (const p of parts) at += p.copy(arenas[spare], at);
  return { bytes: arenas[spare].subarray(0, total), head: parts[0].length, modules, ends, arenas };
}
const COMMA = Buffer.from(",");
const TAIL = Buffer.from("]}\n");

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
