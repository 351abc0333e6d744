// Lead capture, as a visitor sees it (issue 16, acceptance): the demo's third-party
// page (demo/host/index.html, served by scripts/demo-host.mjs on 127.0.0.1:8081, the
// origin the demo widgets allow; second webServer of playwright.config.ts) embeds two
// lead forms with the snippet. The iframes follow their content; the CGU box is
// required before anything is sent; a valid lead reaches the CRM with its consent
// proof; the same page on an origin the widgets do not allow gets no form.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Frame, Locator, Page } from '@playwright/test';
import { ADMIN, apiLogIn, expect, screenshotPath, test } from './fixtures';

const HOST = 'http://127.0.0.1:8081';
const KEYS = ['demo-formulaire-sante', 'demo-formulaire-prevoyance'] as const;
const TITLE = 'Formulaire de contact — Oubli';
const CGU_REQUIRED =
  "Vous devez accepter les conditions générales d'utilisation pour envoyer votre demande.";
/** The server keeps a lead only if the form was filled in 3 s or more (form token). */
const MIN_FILL_MS = 3_000;

const iframeOf = (page: Page, key: string) => page.locator(`iframe[src*="/w/${key}#"]`);

function frameOf(page: Page, key: string): Frame {
  const f = page.frames().find((fr) => fr.url().includes(`/w/${key}`));
  if (!f) throw new Error(`no frame for ${key}`);
  return f;
}

/** The iframe's height as the loader set it, in px. */
const frameHeight = (page: Page, key: string) =>
  iframeOf(page, key).evaluate((f: HTMLIFrameElement) => parseFloat(f.style.height));

/** Inside the frame: its content height, and whether it scrolls vertically. */
const inner = (page: Page, key: string) =>
  frameOf(page, key).evaluate(() => {
    const r = document.documentElement;
    return { content: r.offsetHeight, scrolls: r.scrollHeight > r.clientHeight + 1 };
  });

/** Waits until the iframe is as tall as its content and nothing scrolls inside it;
 * returns that height. The frame is first scrolled into view, as a visitor would:
 * Chromium does not run the rendering steps (so no ResizeObserver, so no height
 * message) of a cross-origin iframe that is off screen; one below the fold keeps the
 * loader's 640 px until it is scrolled to. */
async function settledHeight(page: Page, key: string): Promise<number> {
  await iframeOf(page, key).scrollIntoViewIfNeeded();
  await expect
    .poll(async () => {
      const [h, i] = await Promise.all([frameHeight(page, key), inner(page, key)]);
      return !i.scrolls && Math.abs(h - i.content) <= 1;
    }, { message: `iframe ${key} as tall as its content, no scrollbar inside` })
    .toBe(true);
  return frameHeight(page, key);
}

/** Opens the host page and waits for both forms. */
async function openHost(page: Page) {
  await page.goto(`${HOST}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Mutuelle santé/);
  await expect(page.locator('iframe')).toHaveCount(KEYS.length);
  for (const key of KEYS) {
    await expect(page.frameLocator(`iframe[src*="/w/${key}#"]`).locator('form.w-form')).toBeVisible();
  }
}

/** A mobile number of its own per run: a lead with the mobile (or the e-mail) of a
 * contact already in the cabinet is that person's new project, not a new contact
 * (records.spec.ts creates one with 06 12 34 56 78). */
const uniqueMobile = () => `07${String(Date.now()).slice(-8)}`;

async function fillContact(form: Locator, who: { first: string; last: string; email: string }) {
  await form.getByLabel('Madame').check();
  await form.getByLabel('Prénom').fill(who.first);
  await form.getByLabel('Nom', { exact: true }).fill(who.last);
  await form.getByLabel('Adresse e-mail').fill(who.email);
  await form.getByLabel('Téléphone mobile').fill(uniqueMobile());
  await form.getByLabel('Code postal').fill('69003');
  await form.getByLabel('Ville').fill('Lyon');
}

/** Counts the lead submissions any frame of the page sends. */
function countLeadPosts(page: Page) {
  const sent: string[] = [];
  page.context().on('request', (r) => {
    if (r.method() === 'POST' && /\/leads$/.test(new URL(r.url()).pathname)) sent.push(r.url());
  });
  return sent;
}

test.describe('formulaires sur un site tiers (embed.js, /w/{key})', () => {
  test('deux formulaires, chacun dans une iframe titrée, à la hauteur de son contenu', async ({ page, baseURL }) => {
    await openHost(page);
    for (const key of KEYS) {
      const iframe = iframeOf(page, key);
      await expect(iframe).toHaveAttribute('title', TITLE);
      expect(new URL((await iframe.getAttribute('src'))!).origin).toBe(baseURL);
      const h = await settledHeight(page, key);
      // The loader's first height (640 px) was replaced by the form's own.
      expect(h).toBeGreaterThan(400);
      expect(h).not.toBe(640);
      await expect(page.frameLocator(`iframe[src*="/w/${key}#"]`).getByRole('heading', { level: 1 })).toHaveText(
        'Demande de contact',
      );
    }
    // The demo's two widgets: the page names two keys, each frame is its own.
    expect(new Set(page.frames().map((f) => f.url().split('#')[0])).size).toBe(KEYS.length + 1);
  });

    test("un formulaire plus bas que l'écran prend lui aussi sa hauteur, sans que le visiteur y aille", async ({ page }) => {
    // At 320 px the two forms are stacked: the second starts below the fold, where
    // Chromium does not lay out a cross-origin frame until it is scrolled to.
    await page.setViewportSize({ width: 320, height: 640 });
    await openHost(page);
    const last = KEYS[KEYS.length - 1];
    const box = await iframeOf(page, last).boundingBox();
    expect(box!.y).toBeGreaterThan(640);
    await expect
      .poll(() => frameHeight(page, last), { timeout: 10_000, message: 'the loader\'s 640 px replaced' })
      .toBeGreaterThan(700);
  });

  test("sans la case des CGU cochée, l'envoi est refusé en français et rien n'est envoyé", async ({ page }) => {
    const sent = countLeadPosts(page);
    await openHost(page);
    const key = KEYS[0];
    const form = page.frameLocator(`iframe[src*="/w/${key}#"]`).locator('form.w-form');
    const before = await settledHeight(page, key);

    // Everything empty: every error shows, and the frame grows to show them.
    await form.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await expect(form.locator('.w-error')).toHaveCount(7);
    const withErrors = await settledHeight(page, key);
    expect(withErrors).toBeGreaterThan(before);

    // Everything right but the CGU box: only its message is left, focus on the box.
    await fillContact(form, { first: 'Inès', last: 'Sanscgu', email: `sans-cgu-${Date.now()}@exemple.fr` });
    await form.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await expect(form.locator('.w-error')).toHaveCount(1);
    await expect(form.locator('#w-cgu-err')).toHaveText(CGU_REQUIRED);
    await expect(form.locator('#w-cgu')).toBeFocused();
    await expect(form.locator('#w-cgu')).toHaveAttribute('aria-invalid', 'true');
    const oneError = await settledHeight(page, key);
    expect(oneError).toBeLessThan(withErrors);
    expect(oneError).toBeGreaterThan(before);

    await page.waitForTimeout(500);
    expect(sent, 'requests to …/leads').toEqual([]);
  });

  test("un lead valide est reçu, puis l'administrateur le trouve avec la preuve du consentement", async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(60_000);
    const stamp = Date.now();
    const email = `lead-widget-${stamp}@exemple.fr`;
    const sent = countLeadPosts(page);
    await openHost(page);
    const key = KEYS[0];
    const loadedAt = Date.now();
    const form = page.frameLocator(`iframe[src*="/w/${key}#"]`).locator('form.w-form');
    const formHeight = await settledHeight(page, key);

    await fillContact(form, { first: 'Amélie', last: `Widget${stamp}`, email });
    await form.getByLabel('Votre message').fill('Je cherche une mutuelle pour ma famille.');
    await form.locator('#w-cgu').check();
    // A person takes more than the minimum fill time; a bot that does not is dropped.
    const wait = MIN_FILL_MS + 500 - (Date.now() - loadedAt);
    if (wait > 0) await page.waitForTimeout(wait);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/public/widgets/${key}/leads`)),
      form.getByRole('button', { name: 'Envoyer ma demande' }).click(),
    ]);
    expect(response.status()).toBe(201);
    expect(sent).toHaveLength(1);

    const frame = page.frameLocator(`iframe[src*="/w/${key}#"]`);
    await expect(frame.getByRole('heading', { name: 'Merci, votre demande a bien été envoyée.' })).toBeVisible();
    await expect(frame.getByRole('heading', { name: 'Merci, votre demande a bien été envoyée.' })).toBeFocused();
    // The thank-you is shorter than the form: the frame shrinks to it.
    const thanksHeight = await settledHeight(page, key);
    expect(thanksHeight).toBeLessThan(formHeight);
    await iframeOf(page, key).screenshot({ path: screenshotPath('widget-thanks.png') });

    // The CRM: the administrator searches the contacts for the e-mail and opens the contact.
    await apiLogIn(page, ADMIN);
    await page.goto(`${baseURL}/contacts`);
    await page.getByTestId('search-input').fill(email);
    const row = page.getByTestId('list-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`Widget${stamp}`, { ignoreCase: true });
    await row.getByRole('link').click();
    await expect(page.getByTestId('contact-page')).toBeVisible();
    await expect(page.getByTestId('field-email')).toHaveValue(email);

    // The consent proof: the CGU version and its SHA-256 as shown, the host page.
    const cgu = await (await page.request.get(`${baseURL}/api/v1/public/widgets/${key}`)).json();
    const consents = page.getByTestId('consents-section');
    const row0 = consents.getByTestId('consent-row').filter({ hasText: /CGU/ }).first();
    await expect(row0).toBeVisible();
    const proof = row0.locator('td.proof');
    await expect(proof).toContainText(`CGU ${cgu.cgu.version_id}`);
    await expect(proof).toContainText(`SHA-256 ${cgu.cgu.sha256.slice(0, 12)}`);
    await expect(proof).toContainText(`${HOST}/`);
    const lines = proof.getByTestId('consent-proof');
    await expect(lines.getByTestId('consent-cgu-sha256')).toContainText(cgu.cgu.sha256);
    await expect(lines.getByTestId('consent-page')).toContainText(`${HOST}/`);
    await consents.screenshot({ path: screenshotPath('widget-lead-consent.png') });
  });

  test.describe("sur un site qu'il n'autorise pas", () => {
    const OTHER_PORT = 8082;
    let other: ChildProcess;
    // Chromium says so in the console, once per refused frame.
    test.use({
      expectedConsoleErrors: [
        new RegExp(
          `^Framing 'http://127\\.0\\.0\\.1:\\d+/' violates the following Content Security Policy ` +
            `directive: "frame-ancestors http://127\\.0\\.0\\.1:8081 http://localhost:8081"\\. ` +
            `The request has been blocked\\.\\s*$`,
        ),
      ],
    });
    test.beforeAll(async ({ baseURL }) => {
      other = spawn(
        process.execPath,
        [path.join(__dirname, '..', 'scripts', 'demo-host.mjs'), '--port', String(OTHER_PORT), '--oubli', baseURL!],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        other.stdout!.once('data', () => resolve());
        other.once('exit', (code) => reject(new Error(`demo-host exited ${code}`)));
      });
    });
    test.afterAll(() => {
      other?.kill();
    });

    test("la même page sur une autre origine n'affiche aucun formulaire", async ({ page }) => {
      const configs: string[] = [];
      page.context().on('request', (r) => {
        if (r.url().includes('/api/v1/public/widgets/')) configs.push(r.url());
      });
      await page.goto(`http://127.0.0.1:${OTHER_PORT}/`);
      await expect(page.locator('iframe')).toHaveCount(KEYS.length);
      await page.waitForTimeout(1_500);
      for (const key of KEYS) {
        await expect(page.frameLocator(`iframe[src*="/w/${key}#"]`).locator('form')).toHaveCount(0);
        await expect(page.frameLocator(`iframe[src*="/w/${key}#"]`).getByText('Demande de contact')).toHaveCount(0);
      }
      // The widget page never ran: it did not even ask for its form.
      expect(configs).toEqual([]);
    });
  });

  test('captures du formulaire à 1280 px et à 320 px de large', async ({ page }) => {
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 900 });
      await openHost(page);
      for (const key of KEYS) await settledHeight(page, key);
      // The form fits the frame's width: nothing scrolls sideways.
      for (const key of KEYS) {
        const overflow = await frameOf(page, key).evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `horizontal overflow of ${key} at ${width} px`).toBeLessThanOrEqual(0);
      }
      const pageOverflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(pageOverflow, `horizontal overflow of the host page at ${width} px`).toBeLessThanOrEqual(0);
      // The whole page in the window, so that no frame is off screen (Chromium does not
      // paint an off-screen cross-origin frame in a full-page capture).
      const full = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width, height: full });
      for (const key of KEYS) await settledHeight(page, key);
      await page.screenshot({ path: screenshotPath(`widget-${width}.png`), fullPage: true });
      // The first form at its real size, for the eye (the whole page is scaled down).
      const box = (await iframeOf(page, KEYS[0]).boundingBox())!;
      await page.screenshot({
        path: screenshotPath(`widget-${width}-form.png`),
        clip: { x: 0, y: box.y, width, height: Math.min(box.height, 800) },
      });
    }
  });
});
