// Minifies the wasm-bindgen JavaScript that Trunk writes (oubli-<hash>.js) with terser,
// and rewrites the Subresource Integrity hashes that index.html holds for it. Trunk's
// own `minify` does the HTML and the CSS but leaves this file as wasm-bindgen wrote it
// (measured: 52,944 B raw, 7,293 B brotli).
// Run by scripts/build-app.sh after externalize-boot.mjs:  node scripts/minify-glue.mjs DIST
// The boot script (boot-<hash>.js) imports the glue by name: only its bytes change.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';

const dist = process.argv[2] ?? 'dist';
const indexPath = path.join(dist, 'index.html');
let html = fs.readFileSync(indexPath, 'utf8');

const glue = fs
  .readdirSync(dist)
  .filter((f) => f.endsWith('.js') && !f.startsWith('boot-') && html.includes(`/${f}`));
if (glue.length !== 1) {
  throw new Error(`minify-glue: expected one wasm-bindgen script in ${indexPath}, found ${glue.length}`);
}
const name = glue[0];
const file = path.join(dist, name);
const before = fs.readFileSync(file, 'utf8');
const out = await minify(before, {
  module: true,
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
if (!out.code) throw new Error(`minify-glue: terser gave nothing for ${name}`);
fs.writeFileSync(file, out.code);

// Every tag that names the file with an integrity attribute gets the new hash.
const sri = `sha384-${crypto.createHash('sha384').update(out.code).digest('base64')}`;
let rewritten = 0;
html = html.replace(/<[^>]*>/g, (tag) => {
  if (!tag.includes(`/${name}`) || !/\bintegrity\s*=/.test(tag)) return tag;
  rewritten += 1;
  return tag.replace(/\bintegrity\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/, `integrity="${sri}"`);
});
fs.writeFileSync(indexPath, html);
console.log(
  `minify-glue: ${name} ${Buffer.byteLength(before)} B -> ${Buffer.byteLength(out.code)} B, ` +
    `${rewritten} integrity hash(es) rewritten`,
);
