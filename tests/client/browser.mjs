// Launches the Debian Chromium through playwright-core the way that works on this closed network:
// headless, no sandbox, every background-network feature off (without those flags Chromium waits
// on the network), and a fresh profile directory that is deleted on close.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { importFromNpm } from "./react_deps.mjs";

const CHROMIUM = process.env.HR_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Returns a persistent browser context; close it with closeBrowser().
export async function launchBrowser() {
  const playwright = await importFromNpm("playwright-core");
  const chromium = playwright.chromium ?? playwright.default.chromium; // a CommonJS package
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "hr-client-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60000,
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(15000);
  return { context, profile };
}

// A browser whose one context keeps its cache in memory (Playwright's launch: a fresh temporary
// profile, pages in an incognito-like context). Its pages ask for their modules sooner than a
// context on disk does, as a test of requests racing a build needs. Close it with closeBrowser().
export async function launchInMemoryBrowser() {
  const playwright = await importFromNpm("playwright-core");
  const chromium = playwright.chromium ?? playwright.default.chromium;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
  const context = await browser.newContext();
  context.setDefaultTimeout(15000);
  return { context, browser };
}

export async function closeBrowser({ context, profile, browser }) {
  await context.close();
  if (browser) await browser.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
}
