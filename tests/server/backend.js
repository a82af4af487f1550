// A stand-in for the framework's backend, started by server_proxy_tests: plain HTTP routes, a
// chunked response, upload echo, Reflex's paths, and a minimal WebSocket echo on 'upgrade'.
// Prints its port on the first line of stdout.
'use strict';
const http = require('http');
const crypto = require('crypto');

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/hello') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Backend': 'yes' });
    return res.end('hello from backend');
  }
  if (url.pathname === '/headers' || url.pathname === '/_health') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers,
                                    remotePort: req.socket.remotePort }));
  }
  if (url.pathname === '/ping') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return res.end('pong');
  }
  if (url.pathname === '/chunked') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Keep-Alive': 'timeout=5', 'Connection': 'keep-alive' });
    let i = 0;
    const tick = () => {
      if (i === 3) return res.end();
      res.write('part' + i++ + ';');
      setTimeout(tick, 20);
    };
    return tick();
  }
  if (url.pathname === '/echo' || url.pathname === '/_upload') {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'X-Received-Bytes': String(body.length),
        'X-Request-Chunked': String(req.headers['transfer-encoding'] === 'chunked'),
      });
      res.end(body);
    });
    return;
  }
  if (url.pathname === '/short-lived') {
    // Answers keep-alive, then closes the idle connection (like a keepAliveTimeout expiring).
    res.on('finish', () => setTimeout(() => req.socket.destroy(), 50));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return res.end('short');
  }
  if (url.pathname === '/truncated') {
    // Promises 100 bytes, sends 10, then dies.
    res.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
    return res.socket.destroy();
  }
  if (url.pathname === '/slow-stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const timer = setInterval(() => res.write('data: tick\n\n'), 10);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (url.pathname === '/close-delimited') {
    // HTTP/1.0-style body delimited by closing the connection.
    res.socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
    return res.socket.end();
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('backend 404 ' + req.url);
});

server.on('upgrade', (req, socket, head) => {
  const key = req.headers['sec-websocket-key'];
  const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
               'Sec-WebSocket-Accept: ' + accept + '\r\nX-Seen-Forwarded-For: ' +
               (req.headers['x-forwarded-for'] || '') + '\r\n\r\n');
  let buf = head;
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2) {
      const op = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let pos = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); pos = 4; }
      const masked = (buf[1] & 0x80) !== 0;
      if (buf.length < pos + (masked ? 4 : 0) + len) return;
      const mask = masked ? buf.slice(pos, pos + 4) : null;
      pos += masked ? 4 : 0;
      const payload = Buffer.from(buf.slice(pos, pos + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      buf = buf.slice(pos + len);
      if (op === 0x8) { socket.end(Buffer.from([0x88, 0x02, 0x03, 0xe8])); return; }
      const reply = Buffer.from('echo:' + payload.toString());
      socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
    }
  });
  socket.on('error', () => {});
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
process.stdin.on('end', () => process.exit(0));  // exit with the test
process.stdin.resume();
