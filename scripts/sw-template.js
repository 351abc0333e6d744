// Oubli's service worker: the app opens with no network (issue 17). Generated into
// dist/sw.js by scripts/make-sw.mjs, which fills in the list of the app's files and a
// version drawn from their contents.
// - install: the app's files (index.html, the hashed wasm, JS and CSS, the icon, the
//   dictionaries) into the cache of this version;
// - activate: every other cache of the origin dropped, the open pages taken over;
// - fetch: an app file from the cache (the server's response as it was, headers
//   included: `application/wasm` kept); a page navigation from the network, or
//   index.html from the cache when the network fails (the app routes on the client);
//   never anything under /api/ (personal data stays out of the Cache Storage), nor
//   another origin, nor the administration module, nor the widget pages.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `oubli-app-${VERSION}`;
const OWN = new Set(FILES);
const AWAY = ['/api/', '/admin', '/w/', '/widget/'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (AWAY.some((p) => url.pathname.startsWith(p))) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() =>
        caches
          .open(CACHE)
          .then((cache) =>
            cache.match(url.pathname.startsWith('/hors-ligne') ? '/hors-ligne/index.html' : '/index.html'),
          )
          .then((hit) => hit || Response.error()),
      ),
    );
    return;
  }
  if (OWN.has(url.pathname)) {
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(url.pathname))
        .then((hit) => hit || fetch(request)),
    );
  }
});
