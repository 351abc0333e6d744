// Writes DIST/sw.js from scripts/sw-template.js (issue 17): the files of the app's
// first screen and of its screens (index.html, the hashed wasm, JS and CSS Trunk
// wrote, wasm-bindgen's snippets, the icon, every dictionary under locales/), and a version
// that is the SHA-256 of their names and contents, so that a new build installs a new
// cache and drops the old one. The administration module (DIST/admin), the widget
// (DIST/widget) and the widget loader (embed.js, for third-party sites) stay out.
// Run by scripts/build-app.sh after the app's build, before the precompression:
//   node scripts/make-sw.mjs DIST
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dist = process.argv[2] ?? 'dist';
const here = path.dirname(new URL(import.meta.url).pathname);
const SKIP = new Set(['sw.js', 'embed.js']);
const KEEP = /\.(html|js|wasm|css|svg|json)$/;

// Every file of DIST but those of the folders left out (sorted, so the version is the
// same for the same build).
const OUT = new Set(['admin', 'widget']);
const files = [];
const walk = (dir) => {
  for (const name of fs.readdirSync(path.join(dist, dir)).sort()) {
    const rel = dir ? path.join(dir, name) : name;
    if (fs.statSync(path.join(dist, rel)).isDirectory()) {
      if (!(dir === '' && OUT.has(name))) walk(rel);
    } else if (KEEP.test(name) && !(dir === '' && SKIP.has(name))) {
      files.push(rel);
    }
  }
};
walk('');
if (!files.includes('index.html') || !files.some((f) => f.endsWith('.wasm'))) {
  throw new Error(`make-sw: no index.html or wasm at the top of ${dist}`);
}

const hash = crypto.createHash('sha256');
for (const f of files) {
  hash.update(f);
  hash.update(fs.readFileSync(path.join(dist, f)));
}
const version = hash.digest('hex').slice(0, 16);
const urls = files.map((f) => `/${f.split(path.sep).join('/')}`);
const template = fs.readFileSync(path.join(here, 'sw-template.js'), 'utf8');
const code = template
  .replace("'__VERSION__'", JSON.stringify(version))
  .replace('__FILES__', JSON.stringify(urls, null, 2));
fs.writeFileSync(path.join(dist, 'sw.js'), code);
console.log(`make-sw: ${dist}/sw.js, version ${version}, ${urls.length} files`);
