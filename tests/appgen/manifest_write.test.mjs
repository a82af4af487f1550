// The compiler simulator's manifest writes (bench/appgen/manifest.mjs): copied from the last
// write's bytes yet exactly JSON.stringify of what they say, and atomic for a reader.
// Run: node --test tests/appgen/manifest_write.test.mjs
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { applyEdit } from "../../bench/appgen/simulate.mjs";
import { readManifest, tempApps } from "./check-app.mjs";

const { tempRoot, freshApp } = tempApps("appgen-manifest-test-");
after(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

// Applies an edit and returns the manifest after it.
function edit(dir, kind, options) {
  applyEdit(dir, kind, options);
  return { after: readManifest(dir) };
}

describe("the simulator's manifest writes", () => {
  it("the manifest written from copied bytes is exactly JSON.stringify of what it says", () => {
    const own = freshApp(50);
    const file = path.join(own, "manifest.json");
    for (const [kind, target] of [["component-text", "comp_3"], ["new-page"], ["css"], ["component-text", "comp_1"]]) {
      const { after } = edit(own, kind, target ? { target } : {});
      const text = fs.readFileSync(file, "utf8");
      assert.equal(text, JSON.stringify(JSON.parse(text)) + "\n", `after ${kind}`);
      assert.deepEqual(JSON.parse(text), after);
    }
  });

  it("replaces the manifest atomically: a reader that opened it keeps the old bytes through edits", () => {
    const own = freshApp(50);
    const file = path.join(own, "manifest.json");
    for (let i = 0; i < 4; i++) {
      const fd = fs.openSync(file, "r");
      const old = fs.readFileSync(file, "utf8");
      edit(own, "component-text", { target: `comp_${i % 2}` });
      try {
        assert.equal(fs.readFileSync(fd, "utf8"), old, `edit ${i + 1} wrote into the file a reader had open`);
      } finally {
        fs.closeSync(fd);
      }
      assert.notEqual(fs.readFileSync(file, "utf8"), old);
    }
  });
});
