/* Oubli: lead form loader. <script src="https://HOST/embed.js" data-oubli-widget="KEY" async>
   gets one iframe of HOST/w/KEY right after it. Touches nothing else of the page. */
(function () {
  'use strict';
  var frames = [];
  function mount(s) {
    var key = s.getAttribute('data-oubli-widget');
    if (!s.src || s.hasAttribute('data-oubli-done') || !/^[\w-]{1,100}$/.test(key || '')) return;
    s.setAttribute('data-oubli-done', '');
    var origin = new URL(s.src, location.href).origin;
    var f = document.createElement('iframe');
    // The host page goes in the fragment, which the browser never sends to a server.
    f.src = origin + '/w/' + key + '#page=' + encodeURIComponent(location.href);
    f.title = 'Formulaire de contact — Oubli';
    f.style.display = 'block';
    f.style.width = '100%';
    f.style.height = '640px';
    f.style.border = '0';
    s.parentNode.insertBefore(f, s.nextSibling);
    frames.push([f, origin]);
  }
  if (document.currentScript) mount(document.currentScript);
  var all = document.querySelectorAll('script[data-oubli-widget]');
  for (var i = 0; i < all.length; i++) mount(all[i]);
  if (!frames.length) return;
  // Accept only { oubli: 1, height } from one of our iframes' windows, at its origin.
  addEventListener('message', function (e) {
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i][0];
      if (e.source !== f.contentWindow || e.origin !== frames[i][1]) continue;
      var d = e.data;
      if (d && typeof d === 'object' && Object.keys(d).length === 2 && d.oubli === 1 &&
          typeof d.height === 'number' && isFinite(d.height)) {
        f.style.height = Math.min(5000, Math.max(100, Math.ceil(d.height))) + 'px';
      }
      return;
    }
  });
})();
