// The Python-edit-to-browser demo (examples/python-framework, issue 15) in Chromium: its dev command
// compiles Python components to JS modules, runs the Python backend behind hr-orchestrate's one
// port and recompiles on every save. Each test checks what the person sees: an edit of a
// component's Python updates the page in place with React and backend state kept; an edit of an
// event handler's body changes no module (the page fetches nothing) and the backend answers the
// next event with the new body; a Python error keeps the last build serving.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { closeBrowser, findBinary, launchBrowser, Tab, waitUntil } from "./harness.mjs";
import { PythonDemo } from "./python_demo_fixture.mjs";

const TIMEOUT = 60000;
let demo, browser;
let tabs = [];

async function openTab() {
  const page = await browser.context.newPage();
  const tab = new Tab(page).watchDocumentsAndSockets();
  tabs.push(tab);
  await page.goto(demo.url + "/");
  await page.locator('[data-testid="page-title"]').waitFor({ timeout: 20000 });
  // The backend's first state message has arrived: the count is a number.
  await waitText(tab, "count", "0", "the backend's first state");
  await page.evaluate(() => (window.__marker = "kept"));
  return tab;
}

const text = (tab, testid) => tab.text(testid);
const waitText = (tab, testid, expected, what) => tab.waitText(testid, expected, { what, detail: () => `\n${demo.describe()}` });

function problems(tab) {
  return tab.console.filter((l) => l.startsWith("pageerror:") || l.startsWith("http ") || l.startsWith("[backend]"));
}

// React state (clicks on this page: 2) and backend state (the server's count: 1).
async function setState(tab) {
  await tab.page.click('[data-testid="local-button"]');
  await tab.page.click('[data-testid="local-button"]');
  await waitText(tab, "local-count", "2", "the React state");
  await tab.page.click('[data-testid="increment"]');
  await waitText(tab, "count", "1", "the backend's count");
}

async function checkStateKept(tab, count = "1") {
  assert.equal(await tab.marker(), "kept", "the page reloaded");
  assert.equal(tab.loads, 1, "the page loaded more than once");
  assert.equal(await text(tab, "local-count"), "2", "the component's React state was lost");
  assert.equal(await text(tab, "count"), count, "the backend's state was lost");
}

describe("the Python demo (examples/python-framework): Python edits reach the browser", () => {
  before(async () => {
    demo = await PythonDemo.start({ binary: findBinary() });
    browser = await launchBrowser();
  }, { timeout: 90000 });

  afterEach(async () => {
    for (const tab of tabs) await tab.close().catch(() => {});
    tabs = [];
  });

  after(async () => {
    if (browser) await closeBrowser(browser).catch(() => {});
    if (demo) {
      await demo.stop();
      demo.remove();
    }
  });

  it("renders the compiled page; events round-trip through the Python backend on the one port", { timeout: TIMEOUT }, async () => {
    const first = demo.builds()[0];
    assert.equal(first.compiled, "components/Counter.js,components/Todos.js,pages/Index.js", first.line);
    const tab = await openTab();
    await setState(tab);
    await tab.page.fill('[data-testid="todo-input"]', "buy milk");
    await tab.page.click('[data-testid="todo-add"]');
    await waitUntil(async () => (await tab.page.locator(".todo").allTextContents()).includes("buy milk"), "the new todo");
    assert.deepEqual(tab.sockets.filter((u) => u.endsWith("/_ws")), [`ws://127.0.0.1:${demo.port}/_ws`],
      `the page's WebSockets: ${JSON.stringify(tab.sockets)}`);
    assert.deepEqual(problems(tab), [], tab.describe());
  });

  it("an edit of a component's Python updates the DOM in place, React and backend state kept", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    await setState(tab);
    const from = tab.requests.length;
    const build = await demo.edit("counter.py", '"Clicks on this page: "', '"Clicks in this tab: "');
    assert.equal(build.action, "js-update", `${build.line}\n${demo.describe()}`);
    // Only the edited file's component ran again, and only its module was written.
    assert.equal(build.compiled, "components/Counter.js", build.line);
    assert.equal(build.written, "components/Counter.js", build.line);
    assert.equal(build.backend, "kept", build.line);
    await waitText(tab, "local-label", "Clicks in this tab: ");
    await checkStateKept(tab);
    // The update carries the component's code (docs/hmr-protocol.md): the page fetches no module.
    const modules = tab.moduleRequests(from).map((u) => new URL(u).pathname);
    assert.deepEqual(modules, [], "the page fetched modules for an update that carried its code");
    assert.deepEqual(problems(tab), [], tab.describe());
  });

  it("an edit of a handler's body is backend-only: no module request, the backend answers with the new body", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    await setState(tab);
    const from = tab.requests.length;
    const build = await demo.edit("state.py", "self.count += 1", "self.count += 2");
    assert.equal(build.written, "-", `a module changed: ${build.line}`);
    assert.equal(build.action, "none", build.line);
    assert.equal(build.backend, "reloaded", build.line);
    await tab.page.click('[data-testid="increment"]');
    await waitText(tab, "count", "3", "the count after one event run by the new handler (1 + 2)");
    await checkStateKept(tab, "3");
    assert.deepEqual(tab.moduleRequests(from), [], "the page fetched modules for a backend-only edit");
    // And back: the old body answers again, still without a module request.
    const back = await demo.edit("state.py", "self.count += 2", "self.count += 1");
    assert.deepEqual([back.written, back.action, back.backend], ["-", "none", "reloaded"], back.line);
    await tab.page.click('[data-testid="increment"]');
    await waitText(tab, "count", "4", "the count after one event run by the restored handler (3 + 1)");
    assert.deepEqual(tab.moduleRequests(from), [], "the page fetched modules for a backend-only edit");
    assert.deepEqual(problems(tab), [], tab.describe());
  });

  it("an edit of the app's stylesheet is swapped in place, state kept", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    await setState(tab);
    const border = () => tab.page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="counter"]')).borderTopColor);
    assert.equal(await border(), "rgb(209, 213, 219)");
    const build = await demo.edit("style.css", "border: 1px solid #d1d5db", "border: 1px solid #ff0000");
    assert.equal(build.action, "css", build.line);
    assert.equal(build.compiled, "-", `a stylesheet edit ran component functions: ${build.line}`);
    await waitUntil(async () => (await border()) === "rgb(255, 0, 0)", "the new border colour");
    await checkStateKept(tab);
  });

  it("a Python error keeps the last build serving; the fix is applied with state kept", { timeout: TIMEOUT }, async () => {
    const tab = await openTab();
    await setState(tab);
    const broken = await demo.edit("todos.py", '"Todos"', '"Todos" +');
    assert.ok(broken.failed, `a broken file was compiled: ${JSON.stringify(broken)}`);
    assert.equal(await text(tab, "todos-title"), "Todos");
    const fixed = await demo.edit("todos.py", '"Todos" +', '"Todos, fixed"');
    assert.equal(fixed.action, "js-update", `${fixed.line}\n${demo.describe()}`);
    await waitText(tab, "todos-title", "Todos, fixed");
    await checkStateKept(tab);
    assert.deepEqual(problems(tab), [], tab.describe());
  });
});
