// React, react-dom/client and the react-refresh runtime as browser ES modules for the stub server,
// bundled once per test run with the pinned esbuild (code splitting, so the page gets exactly one
// React). They are CommonJS packages, so each entry is a small wrapper that re-exports the
// CommonJS exports by name: `import { useState } from "/@deps/react.js"` then works.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const NPM_DIR = process.env.HR_NPM_DIR || path.join(REPO_DIR, "npm");
const NODE_MODULES = path.join(NPM_DIR, "node_modules");

// URL name under /@deps/ -> package specifier.
const ENTRIES = {
  "react": "react",
  "react-dom-client": "react-dom/client",
  "react-refresh-runtime": "react-refresh/runtime",
};

export function importFromNpm(specifier) {
  const resolved = createRequire(path.join(NODE_MODULES, "noop.js")).resolve(specifier);
  return import(pathToFileURL(resolved).href);
}

function wrapperSource(specifier) {
  const names = Object.keys(createRequire(path.join(NODE_MODULES, "noop.js"))(specifier))
    .filter((name) => name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name));
  return (
    `import * as ns from ${JSON.stringify(specifier)};\n` +
    `const cjs = ns.default;\n` +
    `export const { ${names.join(", ")} } = cjs;\n` +
    `export default cjs;\n`
  );
}

// Returns Map("/@deps/<file>.js" -> text), chunks included.
export async function bundleReact() {
  const esbuild = await importFromNpm("esbuild");
  const outdir = path.join(NPM_DIR, ".hr-client-test-out"); // never written: write is false
  const result = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, spec]) => [name, `hr-entry:${spec}`])),
    bundle: true,
    splitting: true,
    format: "esm",
    write: false,
    outdir,
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"development"' },
    plugins: [wrapperPlugin()],
  });
  return new Map(result.outputFiles.map((file) => [`/@deps/${path.relative(outdir, file.path)}`, file.text]));
}

function wrapperPlugin() {
  return {
    name: "hr-cjs-wrappers",
    setup(build) {
      build.onResolve({ filter: /^hr-entry:/ }, (args) => ({ path: args.path.slice(9), namespace: "hr-entry" }));
      build.onLoad({ filter: /.*/, namespace: "hr-entry" }, (args) => ({
        contents: wrapperSource(args.path),
        resolveDir: NODE_MODULES,
        loader: "js",
      }));
    },
  };
}
