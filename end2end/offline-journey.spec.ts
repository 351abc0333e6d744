// Journey (issue 17, acceptance): a salesperson on the road. commercial1 logs in and the
// cache syncs; the network goes off; a reload shows the app and their contacts; a
// contact page opens with its notes, its editing buttons off and saying why. An
// administrator anonymizes one of those contacts meanwhile; the network comes back and
// the next sync takes it out of the page. With the browser closed, a raw byte search
// of the profile directory (UTF-8 and UTF-16) finds neither that contact's name, email
// and phone nor the names of the contacts still cached.
import { chromium, request as http, type BrowserContext } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN, CSRF, USERS, expect, screenshotPath, test } from './fixtures';

const BASE = 'http://127.0.0.1:8091';
const sales = USERS.sales1;

/** Files under `dir` holding `needle` in UTF-8 or UTF-16 (little and big endian). */
function profileHits(dir: string, needle: string): string[] {
  const forms = [
    Buffer.from(needle, 'utf8'),
    Buffer.from(needle, 'utf16le'),
    Buffer.from(needle, 'utf16le').swap16(),
  ];
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const bytes = fs.readFileSync(full);
        if (forms.some((f) => bytes.includes(f))) hits.push(path.relative(dir, full));
      }
    }
  };
  walk(dir);
  return hits;
}

interface Contact {
  id: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  mobile_phone?: string;
}

test("commercial1 consulte ses contacts hors ligne ; un contact anonymisé disparaît à la synchronisation suivante ; le profil ne garde aucun nom en clair", async () => {
  test.setTimeout(120_000);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'oubli-profile-'));
  let context: BrowserContext | undefined = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    baseURL: BASE,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1366, height: 768 },
    // The runner's default (playwright.config.ts) blocks them in every context.
    serviceWorkers: 'allow',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(e.error().message));
  const page = context.pages()[0] ?? (await context.newPage());

  // Online: commercial1 logs in; the cache opens and syncs (the top bar says when).
  await page.goto('/login');
  await page.getByTestId('login-email').fill(sales.email);
  await page.getByTestId('login-password').fill(sales.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('synced-at')).toContainText(/Synchronisé à \d\d:\d\d/, { timeout: 60_000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  await page.screenshot({ path: screenshotPath('offline-synced-topbar.png') });

  // Their contacts, as the API gives them online; one gets a note to read offline.
  const list = await page.request.get('/api/v1/contacts?limit=50&anonymized=false');
  expect(list.status()).toBe(200);
  const { items, total } = (await list.json()) as { items: Contact[]; total: number };
  expect(items.length).toBeGreaterThan(3);
  const [kept, erased, other] = items.filter((c) => c.last_name && c.email && c.mobile_phone);
  // Names no file of the browser could hold by chance, to search the profile for.
  for (const [c, name] of [
    [kept, 'Quenotte-Vairon'],
    [erased, 'Brindejonc-Faverolles'],
    [other, 'Sauvestre-Ylang'],
  ] as const) {
    const renamed = await page.request.patch(`/api/v1/contacts/${c.id}`, {
      data: { last_name: name },
      headers: CSRF,
    });
    expect(renamed.status()).toBe(200);
    c.last_name = name;
  }
  const note = { title: 'Rappel terrain', body: 'Apporter le devis santé signé au rendez-vous.' };
  const created = await page.request.post(`/api/v1/contacts/${kept.id}/notes`, { data: note, headers: CSRF });
  expect(created.status()).toBe(201);
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-now')).toBeEnabled();
  await expect(page.getByTestId('synced-at')).toContainText('Synchronisé à');

  // No network: the reload opens the app, which sends to the offline view; the
  // password opens the cache.
  await context.setOffline(true);
  await page.reload();
  await expect(page).toHaveURL(/\/hors-ligne$/);
  await page.getByTestId('offline-password').fill('pas le bon');
  await page.getByTestId('offline-open').click();
  await expect(page.getByTestId('offline-error')).toContainText('Mot de passe incorrect');
  await page.getByTestId('offline-password').fill(sales.password);
  await page.getByTestId('offline-open').click();
  await expect(page.getByTestId('offline-contacts')).toBeVisible();
  await expect(page.getByTestId('online-indicator')).toHaveAttribute('data-online', 'false');
  await expect(page.getByTestId('offline-count')).toHaveText(`${total} contact(s)`);
  await expect(page.getByTestId('synced-at')).toContainText(/Synchronisé à \d\d:\d\d/);
  await page.screenshot({ path: screenshotPath('offline-list.png') });
  // The status filter works without the server.
  await page.getByTestId('offline-status').selectOption('client');
  const clients = Number((await page.getByTestId('offline-count').textContent())?.split(' ')[0]);
  expect(clients).toBeLessThan(total);
  await page.getByTestId('offline-status').selectOption('');

  // The search (in memory) finds a contact by phone; its page, with its note; editing
  // is off and says why.
  await page.getByTestId('offline-search').fill(kept.mobile_phone!);
  await expect(page.getByTestId('offline-count')).toHaveText('1 contact(s)');
  await page.locator(`a[href="/hors-ligne/contacts/${kept.id}"]`).click();
  await expect(page.getByTestId('offline-notes')).toContainText(note.title);
  await expect(page.getByTestId('offline-notes')).toContainText(note.body);
  for (const id of ['offline-edit', 'offline-add-note']) {
    const button = page.getByTestId(id);
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute('title', /hors ligne/i);
    await expect(button).toHaveAccessibleDescription(/modifications ne sont possibles qu'en ligne/);
  }
  await page.screenshot({ path: screenshotPath('offline-contact.png'), fullPage: true });

  // Meanwhile, at the office, an administrator anonymizes another of their contacts.
  const office = await http.newContext({ baseURL: BASE });
  expect((await office.post('/api/v1/session', { data: ADMIN, headers: CSRF })).status()).toBe(200);
  const plan = await office.post('/api/v1/erasures', {
    data: { action: 'anonymize', target: { contacts: [erased.id] } },
    headers: CSRF,
  });
  expect(plan.status()).toBe(201);
  const { id: erasure, confirm_token } = await plan.json();
  const go = await office.post(`/api/v1/erasures/${erasure}/confirm`, { data: { confirm_token }, headers: CSRF });
  expect(go.status()).toBe(202);
  await expect
    .poll(async () => (await (await office.get(`/api/v1/erasures/${erasure}`)).json()).status)
    .toBe('done');
  await office.dispose();

  // Still offline: the page shows what the cache holds, the erased contact included.
  await page.goto(`/hors-ligne/contacts/${erased.id}`).catch(() => {});
  await page.getByTestId('offline-password').fill(sales.password).catch(() => {});
  if (await page.getByTestId('offline-open').isVisible()) await page.getByTestId('offline-open').click();
  await expect(page.getByTestId('offline-contact-name')).toContainText(erased.last_name!);

  // Network back: the offline view syncs; the anonymized contact is gone from the page.
  await context.setOffline(false);
  await expect(page.getByTestId('offline-gone')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('body')).not.toContainText(erased.last_name!);
  await expect(page.locator('body')).not.toContainText(erased.email!);
  await page.getByRole('link', { name: /Retour à la liste/ }).click();
  await expect(page.getByTestId('offline-count')).toHaveText(`${total - 1} contact(s)`);
  await expect(page.locator('body')).not.toContainText(erased.last_name!);
  await page.screenshot({ path: screenshotPath('offline-after-sync.png') });
  expect(errors).toEqual([]);

  // A control: a value the page leaves in clear (localStorage) must be found by the
  // same search, so that zero hits below mean something.
  const marker = 'Témoin-Ωmega-7731';
  await page.evaluate((m) => localStorage.setItem('oubli.e2e-control', m), marker);

  // The browser closed, the profile's bytes: no name, email or phone in clear.
  await context.close();
  context = undefined;
  const needles = [
    erased.last_name!,
    erased.email!,
    erased.mobile_phone!,
    kept.last_name!,
    kept.email!,
    other.last_name!,
    other.email!,
    note.body,
  ];
  expect(profileHits(profile, marker).length, 'the control value in the profile').toBeGreaterThan(0);
  for (const needle of needles) {
    expect(profileHits(profile, needle), `« ${needle} » in the profile`).toEqual([]);
  }
  fs.rmSync(profile, { recursive: true, force: true });
});
