// Stylesheets of the HMR client's updates (apply_update.js): a css-update is applied from the text
// it carries, or by swapping the <link> for one with the new version, never leaving the page
// without its styles. Part of the client's one script (orchestrator/CMakeLists.txt lists its
// files).

// A css-update that carries the stylesheet's text (the server sends it when it is small and has no
// relative URLs) is applied without a request: the text of the JS-imported style module's <style>
// is replaced, or a linked stylesheet gets a <style> right after its <link>, whose own sheet is
// disabled (the <link> stays: React may own it), and later updates replace that text. Either way
// the page goes from the old rules to the new in one style recalculation.
function replaceCssText({ path, css }) {
  const esc = CSS.escape(path);
  const target = document.querySelector(`style[data-hr-css="${esc}"], style[data-hr-href="${esc}"]`);
  if (target) {
    target.textContent = css;
    return Promise.resolve();
  }
  const link = [...document.querySelectorAll('link[rel="stylesheet"]')].find((l) => !outdatedLinks.has(l) && pathOf(l.href) === path);
  if (!link) return Promise.resolve(); // not on this page
  const style = document.createElement("style");
  style.setAttribute("data-hr-href", path);
  if (link.media) style.media = link.media;
  style.textContent = css;
  link.after(style);
  if (link.sheet) link.sheet.disabled = true;
  outdatedLinks.add(link);
  return Promise.resolve();
}

// The new <link> goes in next to the old one, which is removed only once the new one has loaded,
// so the page is never without its styles.
const outdatedLinks = new WeakSet();

function swapStylesheet({ path, timestamp }) {
  const links = [...document.querySelectorAll('link[rel="stylesheet"]')].filter((link) => pathOf(link.href) === path);
  // The text an earlier update put inline is replaced by the fetched sheet the same way.
  const inline = document.querySelector(`style[data-hr-href="${CSS.escape(path)}"]`);
  const old = inline ?? links.find((link) => !outdatedLinks.has(link));
  if (!old || !links.length) return Promise.resolve();
  if (!inline) outdatedLinks.add(old);
  const fresh = links[links.length - 1].cloneNode();
  const href = new URL(fresh.href); // keeps the link's other query parameters
  href.searchParams.set("t", timestamp);
  fresh.href = href.href;
  return new Promise((resolve) => {
    const done = () => {
      old.remove();
      resolve();
    };
    fresh.addEventListener("load", done, { once: true });
    fresh.addEventListener("error", done, { once: true });
    old.after(fresh);
  });
}
