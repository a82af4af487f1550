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

export function readManifest(appDir) {
  return JSON.parse(fs.readFileSync(path.join(appDir, MANIFEST_FILE), "utf8"));
}

export function writeManifest(appDir, manifest) {
  const file = path.join(appDir, MANIFEST_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest) + "\n");
  fs.renameSync(tmp, file);
}

// A recompile: the written records replace (or add) their modules, `changed` lists exactly them.
export function recompiledManifest(previous, written, { build }) {
  const next = { ...previous, build: String(build), changed: written.map((r) => r.id) };
  delete next.removed;
  const modules = [...previous.modules];
  const indexById = new Map(modules.map((m, i) => [m.id, i]));
  for (const record of written) {
    const entry = manifestModule(record);
    if (indexById.has(record.id)) modules[indexById.get(record.id)] = entry;
    else modules.push(entry);
  }
  next.modules = modules;
  return next;
}
