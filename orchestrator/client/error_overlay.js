// The error overlay of the HMR client: a custom element with its own shadow DOM, so app styles
// cannot reach it, and the error kept across the reload that follows a failed update. Served as one
// script with hmr_client.js, which comes after it (embed_client.cmake concatenates them).

const OVERLAY_TAG = "hr-error-overlay";
const PENDING_ERROR_KEY = "hr:pending-error"; // survives the reload that follows a failed update

const OVERLAY_HTML = `
<style>
  :host { position: fixed; inset: 0; z-index: 2147483647; background: rgba(0,0,0,.66);
          font: 14px/1.5 ui-monospace, Menlo, monospace; overflow: auto; }
  .window { max-width: 960px; margin: 60px auto; padding: 24px 28px; background: #181818;
            color: #d8d8d8; border-top: 6px solid #ff5555; border-radius: 6px; }
  .location { color: #7aa2f7; margin-bottom: 8px; }
  .message { color: #ff5555; font-weight: bold; white-space: pre-wrap; }
  pre { overflow: auto; padding: 12px; background: #101010; color: #e8c07d; }
  .tip { color: #888; font-size: 12px; }
</style>
<div class="window">
  <div class="location"></div>
  <div class="message"></div>
  <pre class="frame"></pre>
  <pre class="stack"></pre>
  <div class="tip">Fix the code and save: the overlay closes on the next applied update.
  Click outside or press Esc to close it now.</div>
</div>`;

function errorLocation(err) {
  const loc = err.loc;
  if (loc && loc.file) return `${loc.file}:${loc.line ?? "?"}:${loc.column ?? "?"}`;
  return err.id || "";
}

class ErrorOverlay extends HTMLElement {
  constructor(err = {}) {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = OVERLAY_HTML;
    this.fill(root, ".location", errorLocation(err));
    this.fill(root, ".message", err.message || "unknown error");
    this.fill(root, ".frame", err.frame || "");
    this.fill(root, ".stack", err.stack || "");
    this.addEventListener("click", (event) => event.composedPath()[0] === this && this.close());
    this.onKey = (event) => event.key === "Escape" && this.close();
  }

  fill(root, selector, text) {
    const element = root.querySelector(selector);
    element.textContent = text;
    if (!text) element.hidden = true;
  }

  connectedCallback() {
    document.addEventListener("keydown", this.onKey);
  }

  disconnectedCallback() {
    document.removeEventListener("keydown", this.onKey);
  }

  close() {
    this.remove();
  }
}

function showErrorOverlay(err) {
  removeErrorOverlay();
  console.error(`[hr] ${errorLocation(err)}: ${err.message || "error"}`);
  (document.body || document.documentElement).appendChild(new ErrorOverlay(err));
}

function removeErrorOverlay() {
  for (const overlay of document.querySelectorAll(OVERLAY_TAG)) overlay.remove();
}

function rememberPendingError(err) {
  try {
    sessionStorage.setItem(PENDING_ERROR_KEY, JSON.stringify(err));
  } catch {} // storage may be disabled; the console still has the error
}

// A value kept across a reload, read once: null when absent or when storage is disabled.
function takeFromSession(key) {
  try {
    const value = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    return value;
  } catch {
    return null;
  }
}

function showPendingError() {
  const text = takeFromSession(PENDING_ERROR_KEY);
  if (text) return showErrorOverlay(JSON.parse(text));
  // A compile error that stands on the server is inlined into the HTML shell (an `error` message),
  // so a page opened meanwhile shows it at once.
  const standing = window.__hr_standing_error;
  if (standing && standing.err) showErrorOverlay(standing.err);
}
