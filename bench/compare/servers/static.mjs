// A minimal static file server for system (b): serves WORK/dist, unknown paths get index.html.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { cliOptions } from "../../lib/cli.mjs";
import * as common from "./options.mjs";

const args = cliOptions({
  usage: "node static.mjs --root DIR --port N",
  options: {
    root: { value: "DIR", help: "the folder to serve (unknown paths get its index.html)", required: true },
    port: common.port,
  },
});
const root = path.resolve(args.root);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json" };
http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, "index.html");
  fs.readFile(file, (err, body) => {
    if (err) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  });
}).listen(args.port, "127.0.0.1", () => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${args.port}/` }) + "\n"));
