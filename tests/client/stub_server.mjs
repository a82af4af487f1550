// A stand-in for hr-orchestrate's dev server, just enough to drive the HMR client in a browser:
// node:http serves the client file, an HTML shell, React bundled once with esbuild, and app modules
// that tests rewrite at will (the URL query is ignored, like the real server); a hand-written
// RFC 6455 WebSocket on /@hr/ws pushes messages and records what the client sends back.
// Loopback only. Hand-written because the project has no npm WebSocket library on purpose.
import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import http from "node:http";
import { bundleReact } from "./react_deps.mjs";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OPCODE = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa };

// ---- WebSocket framing (server side: frames we send are unmasked, client frames are masked)
function encodeFrame(opcode, payload) {
  const body = Buffer.from(payload);
  let header;
  if (body.length < 126) {
    header = Buffer.from([0x80 | opcode, body.length]);
  } else if (body.length < 65536) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(body.length, 2);
    header[1] = 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(BigInt(body.length), 2);
    header[1] = 127;
  }
  header[0] = 0x80 | opcode;
  return Buffer.concat([header, body]);
}

// Returns {opcode, payload, size} for the first complete frame in `buf`, or null if incomplete.
function decodeFrame(buf) {
  if (buf.length < 2) return null;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buf.length < offset + length) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < length; i++) payload[i] ^= buf[maskOffset + (i % 4)];
  return { opcode, payload, size: offset + length };
}

class WsClient {
  constructor(socket, onText) {
    this.socket = socket;
    this.pending = Buffer.alloc(0);
    socket.on("data", (chunk) => this.onData(chunk, onText));
    socket.on("error", () => {});
  }

  onData(chunk, onText) {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (let frame = decodeFrame(this.pending); frame; frame = decodeFrame(this.pending)) {
      this.pending = this.pending.subarray(frame.size);
      if (frame.opcode === OPCODE.text) onText(frame.payload.toString("utf8"));
      else if (frame.opcode === OPCODE.ping) this.write(OPCODE.pong, frame.payload);
      else if (frame.opcode === OPCODE.close) this.close();
    }
  }

  write(opcode, payload) {
    if (this.socket.writable) this.socket.write(encodeFrame(opcode, payload));
  }

  send(message) {
    this.write(OPCODE.text, JSON.stringify(message));
  }

  close(code = 1001) {
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.write(OPCODE.close, payload);
    this.socket.end();
  }
}

// ---- The stub server
export class StubServer extends EventEmitter {
  constructor({ clientSource, files, deps }) {
    super();
    this.clientSource = clientSource;
    this.deps = deps; // url path -> JS text (React bundles)
    this.initialFiles = files;
    this.resetFiles();
    this.clients = new Set();
    this.received = []; // every message a client sent, parsed
    this.requests = []; // every HTTP request path, in order
  }

  resetFiles() {
    this.files = new Map(Object.entries(this.initialFiles)); // url path -> {type, text}
  }

  setFile(path, text) {
    const type = this.files.get(path)?.type ?? "text/javascript";
    this.files.set(path, { type, text });
  }

  async listen(port = 0) {
    this.http = http.createServer((req, res) => this.serve(req, res));
    this.http.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise((resolve) => this.http.listen(port, "127.0.0.1", resolve));
    this.port = this.http.address().port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  serve(req, res) {
    const path = new URL(req.url, "http://stub").pathname;
    this.requests.push(path);
    const found = this.lookup(path);
    if (!found) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { "content-type": found.type, "cache-control": "no-store" }).end(found.text);
  }

  lookup(path) {
    if (path === "/@hr/client.js") return { type: "text/javascript", text: this.clientSource };
    if (this.deps.has(path)) return { type: "text/javascript", text: this.deps.get(path) };
    return this.files.get(path === "/" ? "/index.html" : path);
  }

  upgrade(req, socket, head) {
    if (new URL(req.url, "http://stub").pathname !== "/@hr/ws") return socket.destroy();
    const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + WS_GUID).digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const client = new WsClient(socket, (text) => this.onClientText(text));
    this.clients.add(client);
    socket.on("close", () => this.clients.delete(client));
    if (head.length) client.onData(head, (text) => this.onClientText(text));
    client.send({ type: "connected" });
    this.emit("connection", client);
  }

  onClientText(text) {
    const message = JSON.parse(text);
    this.received.push(message);
    this.emit("message", message);
  }

  broadcast(message) {
    for (const client of this.clients) client.send(message);
  }

  // Resolves with the first received message (already here or still to come) that matches.
  waitForMessage(matches, timeoutMs = 10000) {
    const found = this.received.find(matches);
    if (found) return Promise.resolve(found);
    return this.waitForEvent("message", matches, timeoutMs);
  }

  waitForEvent(name, matches = () => true, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(name, listener);
        reject(new Error(`stub server: no matching "${name}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (value) => {
        if (!matches(value)) return;
        clearTimeout(timer);
        this.off(name, listener);
        resolve(value);
      };
      this.on(name, listener);
    });
  }

  countRequests(path) {
    return this.requests.filter((p) => p === path).length;
  }

  // Like a restarted dev server: every socket closed, nothing listening for `downMs`, then back
  // on the same port.
  async restart(downMs) {
    await this.close();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.listen(this.port);
  }

  async close() {
    for (const client of this.clients) client.close();
    this.clients.clear();
    const closed = new Promise((resolve) => this.http.close(resolve));
    this.http.closeAllConnections();
    await closed;
  }
}

export async function startStubServer({ clientSource, files }) {
  const server = new StubServer({ clientSource, files, deps: await bundleReact() });
  await server.listen();
  return server;
}
