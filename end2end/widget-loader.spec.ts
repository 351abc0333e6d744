// The widget loader (issue 16 item 2): public/embed.js as the server sends it, on a
// third-party page. The host page is another origin (served by the test through
// page.route); so is, for now, the framed page /w/{key}, a stub from which the test
// posts height messages: what is checked is the loader, i.e. one iframe per tag, the
// host page in the fragment, and heights taken only from that iframe's window at the
// loader's origin, in the versioned shape, clamped. The journey through the real
// widget page comes with the server's /w/{key}.
import type { Frame, Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

// The host page: a real server of its own on loopback (another origin than Oubli's,
// and in the same address space, as Chromium wants for a plain-HTTP page).
let host: http.Server;
let HOST = '';
let tags = '';
test.beforeAll(async () => {
  host = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="fr"><head><title>Courtier</title></head><body><h1>Courtier</h1>${tags}</body></html>`);
  });
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  HOST = `http://localhost:${(host.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((r) => host.close(r));
});

async function hostPage(page: Page, baseURL: string, keys: string[]) {
  tags = keys
    .map((k) => `<script src="${baseURL}/embed.js" data-oubli-widget="${k}" async></script><p id="after-${k}">après ${k}</p>`)
    .join('\n');
  await page.route(`${baseURL}/w/**`, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>w</title><p>widget</p>' }),
  );
  await page.goto(`${HOST}/devis?ref=42`);
  await expect(page.locator('iframe')).toHaveCount(keys.length);
}

function frameOf(page: Page, key: string): Frame {
  const f = page.frames().find((fr) => new URL(fr.url()).pathname === `/w/${key}`);
  if (!f) throw new Error(`no frame for ${key}`);
  return f;
}

const heightOf = (page: Page, key: string) =>
  page.locator(`iframe[src*="/w/${key}#"]`).evaluate((f: HTMLIFrameElement) => f.style.height);

/** Posts `data` from the frame of `key` to the host page, then lets the host handle it. */
async function post(page: Page, key: string, data: unknown) {
  await frameOf(page, key).evaluate((d) => parent.postMessage(d, '*'), data);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
}

test.describe('chargeur du widget (embed.js)', () => {
  test('une iframe par balise, juste après elle, la page hôte dans le fragment', async ({ page, baseURL }) => {
    await hostPage(page, baseURL!, ['cle-a', 'cle-b']);
    for (const key of ['cle-a', 'cle-b']) {
      const iframe = page.locator(`script[data-oubli-widget="${key}"] + iframe`);
      await expect(iframe).toHaveAttribute('title', 'Formulaire de contact — Oubli');
      const src = new URL((await iframe.getAttribute('src'))!);
      expect(src.origin).toBe(baseURL);
      expect(src.pathname).toBe(`/w/${key}`);
      expect(src.search).toBe('');
      expect(src.hash).toBe(`#page=${encodeURIComponent(`${HOST}/devis?ref=42`)}`);
      await expect(page.locator(`iframe + #after-${key}`)).toHaveCount(1);
    }
    // Nothing of the host page is touched but the tags: no global left behind.
    const globals = await page.evaluate(() => Object.keys(window).filter((k) => /oubli/i.test(k)));
    expect(globals).toEqual([]);
  });

  test("la hauteur suit les messages de son iframe seulement, bornée à 100–5000 px", async ({ page, baseURL }) => {
    await hostPage(page, baseURL!, ['cle-a', 'cle-b']);
    const initial = await heightOf(page, 'cle-b');

    await post(page, 'cle-a', { oubli: 1, height: 321 });
    expect(await heightOf(page, 'cle-a')).toBe('321px');
    expect(await heightOf(page, 'cle-b')).toBe(initial);

    await post(page, 'cle-a', { oubli: 1, height: 99999 });
    expect(await heightOf(page, 'cle-a')).toBe('5000px');
    await post(page, 'cle-a', { oubli: 1, height: 3 });
    expect(await heightOf(page, 'cle-a')).toBe('100px');

    // Not the versioned shape: ignored.
    for (const bad of [
      { oubli: 2, height: 400 },
      { oubli: 1, height: 400, extra: true },
      { oubli: 1, height: '400' },
      { oubli: 1 },
      { height: 400 },
      '{"oubli":1,"height":400}',
      null,
    ]) {
      await post(page, 'cle-a', bad);
      expect(await heightOf(page, 'cle-a'), JSON.stringify(bad)).toBe('100px');
    }
    // The right shape from another window (the host page itself): ignored.
    await page.evaluate(() => window.postMessage({ oubli: 1, height: 777 }, '*'));
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    expect(await heightOf(page, 'cle-a')).toBe('100px');
    expect(await heightOf(page, 'cle-b')).toBe(initial);
  });
});
