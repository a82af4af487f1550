// A js-update that carries its module's code (`code`, docs/hmr-protocol.md) is evaluated without a
// request: the page imports a data: URL holding that code and maps the version's URL to it with an
// import map, so importing the URL later (from a module loaded on demand) gives that one instance,
// as if it had been fetched. The server splits the code where each import URL begins; joined with
// the page's origin, the module imports the very instances the page already holds. Browsers that
// cannot add import maps after modules loaded (Chromium before 133) fetch the URL as before. Part
// of the client's one script (orchestrator/CMakeLists.txt lists its files).

let addedImportMaps = null; // whether this browser merges import maps added late; tried once

// The js-updates that carry their code ({url, code}), as modules to import from data: URLs: the
// absolute URL of the version -> {data, imports}, `imports` being the absolute URLs the code
// imports. Empty where this browser cannot map a version's URL to its data: URL.
function inlineModules(updates) {
  const modules = new Map();
  if (!updates.some(({ code }) => Array.isArray(code)) || !canAddImportMaps()) return modules;
  for (const { url, code } of updates) {
    if (!Array.isArray(code)) continue;
    const absolute = absoluteUrl(url);
    const text = `${code.join(location.origin)}\n//# sourceURL=${absolute}\n`;
    const imports = code.slice(1).map((part) => absoluteUrl(part.slice(0, part.search(/["'`]|$/))));
    modules.set(absolute, { data: `data:text/javascript;charset=utf-8,${encodeURIComponent(text)}`, imports });
  }
  return modules;
}

// The import map rules of an update: each version's URL to its data: URL, and `moved` (URLs whose
// module the page holds elsewhere: held_modules.js). Adding an import map costs the page about
// half a millisecond, so only the rules the new code itself imports are added before it is
// imported (`now`); the others (`later`) once React has committed, for modules imported after
// the update. Every version stays in the map (a few KiB each) for modules that import it later.
function splitImportRules(modules, moved) {
  const later = { ...moved };
  for (const [url, { data }] of modules) later[url] = data;
  const now = {};
  for (const { imports } of modules.values()) {
    for (const url of imports.filter((u) => Object.hasOwn(later, u))) {
      now[url] = later[url];
      delete later[url];
    }
  }
  return { now, later };
}

function mapUrls(imports) {
  if (Object.keys(imports).length && canAddImportMaps()) addImportMap(imports);
}

function canAddImportMaps() {
  if (addedImportMaps === null) {
    const probe = `hr-import-map-probe:${Date.now()}`;
    const target = "data:text/javascript,";
    try {
      addImportMap({ [probe]: target });
      addedImportMaps = import.meta.resolve(probe) === target;
    } catch {
      addedImportMaps = false;
    }
  }
  return addedImportMaps;
}

// The rules stay in the document's import map once merged; the element itself is not needed.
function addImportMap(imports) {
  const script = document.createElement("script");
  script.type = "importmap";
  script.textContent = JSON.stringify({ imports });
  document.head.append(script);
  script.remove();
}
