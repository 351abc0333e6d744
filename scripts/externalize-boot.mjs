// Moves the inline module script Trunk 0.21 writes into index.html (the loader that
// imports the wasm-bindgen JS and starts the wasm) to a file of its own,
// boot-<hash>.js, referenced by <script type="module" src=… integrity=…>, so that the
// Content-Security-Policy of the app's pages allows no inline script (the server's
// wire.rs). Trunk 0.21.14 has no option that avoids the inline loader (its nonce
// option needs a nonce per response, which a static index.html cannot have).
// Run by scripts/build-app.sh after trunk:  node scripts/externalize-boot.mjs DIST [PUBLIC_URL] [sw]
// (PUBLIC_URL as given to trunk's --public-url, default "/": the widget page's files
// are under /widget/). With `sw` (the app, not the widget nor the administration),
// the loader also registers the service worker /sw.js (scripts/make-sw.mjs) once the
// page has loaded, so that its downloads come after the first screen's.
// Fails when index.html still holds an inline script afterwards.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dist = process.argv[2] ?? 'dist';
const publicUrl = (process.argv[3] ?? '/').replace(/\/?$/, '/');
const registerSw = process.argv[4] === 'sw';
// (The loader awaits the wasm at its top level, by which time `load` may have fired.)
const SW =
  "if ('serviceWorker' in navigator) { const sw = () => navigator.serviceWorker.register('/sw.js').catch(() => {}); " +
  "if (document.readyState === 'complete') sw(); else addEventListener('load', sw); }";
const indexPath = path.join(dist, 'index.html');
let html = fs.readFileSync(indexPath, 'utf8');

// <script ...> with no src attribute: inline.
const inline = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
let moved = 0;
html = html.replace(inline, (whole, attrs, body) => {
  if (/\bsrc\s*=/i.test(attrs)) return whole;
  if (!/\btype\s*=\s*["']?module["']?/i.test(attrs)) {
    throw new Error(`externalize-boot: an inline non-module script in ${indexPath}: ${attrs}`);
  }
  const code = registerSw ? `${body.trim()}\n${SW}\n` : `${body.trim()}\n`;
  const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 16);
  const name = `boot-${hash}.js`;
  fs.writeFileSync(path.join(dist, name), code);
  const sri = crypto.createHash('sha384').update(code).digest('base64');
  moved += 1;
  // Trunk writes absolute paths ('/oubli-….js', '/widget/oubli-widget-….js'): the
  // boot file sits beside them.
  return `<script type="module" src="${publicUrl}${name}" integrity="sha384-${sri}"></script>`;
});

// Anything inline left (a script, an event handler attribute) would be refused by the CSP.
const left = [...html.matchAll(inline)].filter(([, attrs]) => !/\bsrc\s*=/i.test(attrs));
if (left.length > 0 || /<[^>]*\son[a-z]+\s*=/i.test(html)) {
  throw new Error(`externalize-boot: inline script left in ${indexPath}`);
}
if (moved !== 1) {
  throw new Error(`externalize-boot: expected one inline loader in ${indexPath}, found ${moved}`);
}
fs.writeFileSync(indexPath, html);
console.log(`externalize-boot: loader moved to ${dist}/boot-*.js`);
