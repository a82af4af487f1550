// esbuild's own stdio encoder and decoder, taken from the installed lib/main.js at test time (they
// are not exported, so the stdio_protocol section is evaluated on its own), used to check that the
// C++ codec agrees with it byte for byte.
//   node js_codec.js <npm-dir> vectors     prints "name hex" for each vector encoded by esbuild
//   node js_codec.js <npm-dir> roundtrip   reads hex lines, decodes each with esbuild's decoder,
//                                           re-encodes it, and prints the hex (or "ERR message")
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [npmDir, mode] = process.argv.slice(2);
const src = fs.readFileSync(path.join(npmDir, "node_modules/esbuild/lib/main.js"), "utf8");
const start = src.indexOf("// lib/shared/stdio_protocol.ts");
const end = src.indexOf("// lib/shared/", start + 10);
if (start < 0 || end < 0) throw new Error("stdio_protocol section not found in esbuild's lib/main.js");
// Only the text codecs and Uint8Array come from outside (TextEncoder makes outer Uint8Arrays); arrays
// and objects must be the sandbox's own, or esbuild's `instanceof Array` checks fail across realms.
const sandbox = { TextEncoder, TextDecoder, Uint8Array };
vm.createContext(sandbox);
vm.runInContext(src.slice(start, end) + "\nthis.encodePacket = encodePacket; this.decodePacket = decodePacket;", sandbox);

const hex = (u8) => Buffer.from(u8).toString("hex");

// The same vectors are built independently in codec_js_test.cc. Built inside the sandbox (see above).
const vectors = vm.runInContext(`({
  ping: { id: 0, isRequest: true, value: { command: "ping" } },
  empty_response: { id: 7, isRequest: false, value: {} },
  null_value: { id: 3, isRequest: true, value: null },
  scalars: { id: 12345, isRequest: false,
             value: { errors: [], warnings: [], yes: true, no: false, minus: -1, max: 2147483647 } },
  build_request: { id: 2, isRequest: true, value: {
    command: "build", key: 1, entries: [["", "a.js"]], flags: ["--bundle", "--format=esm"],
    write: false, stdinContents: new Uint8Array([0, 1, 2, 255]), stdinResolveDir: null,
    absWorkingDir: "/tmp", nodePaths: [], context: true } },
  unicode: { id: 9, isRequest: true, value: { text: "h\\u00e9llo \\u2713 \\ud83d\\ude00" } },
  nested: { id: 1, isRequest: false, value: [[[]], [1, [2, [3]]]] },
  empty_bytes: { id: 4, isRequest: false, value: { contents: new Uint8Array([]) } },
  large_id: { id: 0x3fffffff, isRequest: false, value: "x" },
})`, sandbox);

if (mode === "vectors") {
  for (const [name, packet] of Object.entries(vectors)) console.log(name, hex(sandbox.encodePacket(packet)));
} else if (mode === "roundtrip") {
  const lines = fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
  for (const line of lines) {
    try {
      const whole = Buffer.from(line, "hex");
      const body = new sandbox.Uint8Array(whole.subarray(4));
      const p = sandbox.decodePacket(body);
      console.log(hex(sandbox.encodePacket({ id: p.id, isRequest: p.isRequest, value: p.value })));
    } catch (e) {
      console.log("ERR " + e.message);
    }
  }
} else {
  throw new Error("usage: node js_codec.js <npm-dir> vectors|roundtrip");
}
