#!/usr/bin/env node
// The demo's third-party page: serves demo/host/ (a small broker's site that embeds two
// Oubli lead forms) on its own origin, as an insurer's or a broker's site would.
//   node scripts/demo-host.mjs [--port 8081] [--oubli http://127.0.0.1:8080]
// The snippets in the page name http://127.0.0.1:8080; with --oubli (or OUBLI_ORIGIN)
// they are rewritten to that origin (the Playwright journeys run Oubli on another port).
// Port: --port, else DEMO_HOST_PORT, else 8081 (the origin the demo widgets allow).
// No dependencies: node:http only.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'host');
const PAGE_ORIGIN = 'http://127.0.0.1:8080';

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const port = Number(arg('port') ?? process.env.DEMO_HOST_PORT ?? 8081);
const host = arg('host') ?? process.env.DEMO_HOST_BIND ?? '127.0.0.1';
const oubli = (arg('oubli') ?? process.env.OUBLI_ORIGIN ?? PAGE_ORIGIN).replace(/\/+$/, '');
if (!/^https?:\/\/[^/\s"'<>]+$/.test(oubli)) {
  console.error(`demo-host: not an origin: ${oubli}`);
  process.exit(2);
}
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`demo-host: not a port: ${port}`);
  process.exit(2);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.join(root, pathname);
  if (!file.startsWith(root + path.sep)) {
    res.writeHead(404).end();
    return;
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Page introuvable');
      return;
    }
    const ext = path.extname(file);
    let body = data;
    if (ext === '.html') body = Buffer.from(data.toString('utf8').replaceAll(PAGE_ORIGIN, oubli));
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'content-length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
});

server.listen(port, host, () => {
  console.log(`demo-host: http://${host}:${port}/ (formulaires servis par ${oubli})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
