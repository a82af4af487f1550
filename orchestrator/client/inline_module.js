// A js-update that carries its module's code (`code`, docs/hmr-protocol.md) is evaluated without a
// request: the page maps the version's URL to a data: URL holding that code with an import map, so
// importing the URL (now, or later from a module loaded on demand) gives one instance, as if it had
// been fetched. The server splits the code where each import URL begins; joined with the page's
// origin, the module imports the very instances the page already holds. Browsers that cannot add
// import maps after modules loaded (Chromium before 133) fetch the URL as before. Part of the
// client's one script (orchestrator/CMakeLists.txt lists its files).

let addedImportMaps = null; // whether this browser merges import maps added late; tried once

// Maps the URL of each js-update that carries its code ({url, code}) to that code, in one import
// map, with `moved` (URLs whose module the page holds elsewhere: held_modules.js). A URL the page
// already resolved keeps its meaning (a module loaded on demand that raced the update imported it):
// the import then fetches it, which is just as right. Every version stays in the map (a few KiB
// each) for modules that import it later.
function mapToInlineCode(updates, moved = {}) {
  const carried = updates.filter(({ code }) => Array.isArray(code));
  if ((carried.length === 0 && Object.keys(moved).length === 0) || !canAddImportMaps()) return;
  const imports = { ...moved };
  for (const { url, code } of carried) {
    const absolute = new URL(url, location.href).href;
    const text = `${code.join(location.origin)}\n//# sourceURL=${absolute}\n`;
    imports[absolute] = `data:text/javascript;charset=utf-8,${encodeURIComponent(text)}`;
  }
  if (Object.keys(imports).length) addImportMap(imports);
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
