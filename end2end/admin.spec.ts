// The administration (admin.html, its own wasm module at /admin): lead widgets, CGU
// versions, supplier API keys; reached from the CRM's top bar by a page load; refused
// to the other roles.
import type { Page } from '@playwright/test';
import { ADMIN, USERS, apiLogIn, expect, fullPageShot, test } from './fixtures';

const TABS = [
  ['widgets', 'Formulaires web'],
  ['cgu', 'CGU'],
  ['api-keys', 'Clés API des fournisseurs'],
] as const;

async function openTab(page: Page, tab: (typeof TABS)[number][0]) {
  await page.getByTestId(`admin-tab-${tab}`).click();
  await expect(page).toHaveURL(new RegExp(`/admin/${tab}$`));
  await expect(page.getByTestId(`admin-tab-${tab}`)).toHaveAttribute('aria-current', 'page');
}

test.describe('administration', () => {
  test("l'administrateur l'ouvre depuis la barre du haut et y voit ses rubriques", async ({ page, shell }) => {
    await apiLogIn(page, ADMIN);
    await page.goto('/contacts');
    await shell.expectLoggedIn();
    // A page load into the other module: what the CRM's page held is gone.
    await page.evaluate(() => ((window as unknown as { __crm: boolean }).__crm = true));
    await Promise.all([page.waitForEvent('load'), shell.navAdmin.click()]);
    await expect(page).toHaveURL(/\/admin$/);
    expect(await page.evaluate(() => (window as unknown as { __crm?: boolean }).__crm)).toBeUndefined();
    await expect(page.getByTestId('admin-page')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administration');
    await expect(page).toHaveTitle(/Administration/);
    for (const [tab, label] of TABS) await expect(page.getByTestId(`admin-tab-${tab}`)).toHaveText(label);
    // /admin alone is the widgets tab.
    await expect(page.getByTestId('admin-tab-widgets')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('widgets-table')).toBeVisible();
    await shell.expectLoggedIn();

    for (const [tab] of TABS) {
      await openTab(page, tab);
      await expect(page.locator('.admin-section h2').first()).toBeVisible();
      await expect(page.locator('.loading')).toHaveCount(0);
      await fullPageShot(page, `admin-${tab}.png`);
    }
  });

  test('créer un formulaire web : il est listé et sa balise porte sa clé', async ({ page }) => {
    await apiLogIn(page, ADMIN);
    await page.goto('/admin/widgets');
    const name = `Devis santé assureur ${Date.now()}`;
    await page.getByTestId('widget-new').click();
    const form = page.getByTestId('widget-form');
    await form.getByTestId('field-name').fill(name);
    await form.getByTestId('field-allowed_origins').fill('https://www.exemple-assureur.fr');
    await form.getByTestId('field-routing.mode').selectOption('user');
    const user = form.getByTestId('field-routing.user_id');
    await user.selectOption({ label: (await user.locator('option', { hasText: 'Commercial' }).first().innerText()).trim() });
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/widgets') && r.request().method() === 'POST'),
      form.getByTestId('widget-save').click(),
    ]);
    expect(created.status()).toBe(201);
    const widget = await created.json();
    expect(widget.routing.mode).toBe('user');
    expect(widget.allowed_origins).toEqual(['https://www.exemple-assureur.fr']);

    const snippet = page.getByTestId('widget-snippet');
    await expect(snippet.getByRole('heading', { name })).toBeVisible();
    const code = snippet.getByTestId('widget-snippet-code');
    await expect(code).toHaveValue(new RegExp(`data-oubli-widget="${widget.key}"`));
    await expect(code).toHaveValue(/^<script src="http:\/\/127\.0\.0\.1:\d+\/embed\.js" data-oubli-widget="[\w-]+" async><\/script>$/);
    const row = page.getByTestId('widget-row').filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('https://www.exemple-assureur.fr');
    await expect(row).toContainText('Actif');
    // The preview shows the form as a visitor sees it.
    await expect(
      page.frameLocator('[data-testid="widget-preview"]').getByRole('heading', { name: 'Demande de contact' }),
    ).toBeVisible();
    await fullPageShot(page, 'admin-widget-created.png');
  });

  test("une origine sans schéma : erreur en français à sa ligne, rien n'est enregistré", async ({ page }) => {
    await apiLogIn(page, ADMIN);
    const before = (await (await page.request.get('/api/v1/widgets')).json()) as unknown[];
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/widgets')) posts.push(r.url());
    });
    await page.goto('/admin/widgets');
    await page.getByTestId('widget-new').click();
    const form = page.getByTestId('widget-form');
    await form.getByTestId('field-name').fill('Formulaire mal configuré');
    await form.getByTestId('field-allowed_origins').fill('https://www.exemple.fr\nwww.sans-schema.fr');
    await form.getByTestId('widget-save').click();
    const errors = form.getByTestId('origin-errors').locator('li');
    await expect(errors).toHaveCount(1);
    await expect(errors).toHaveText(/^Ligne 2 : .+/);
    await expect(errors).toContainText(/https?:\/\//);
    await fullPageShot(page, 'admin-widget-invalid-origin.png');
    await page.waitForTimeout(300);
    expect(posts).toEqual([]);
    const after = (await (await page.request.get('/api/v1/widgets')).json()) as unknown[];
    expect(after.length).toBe(before.length);
    await expect(page.getByTestId('widget-row').filter({ hasText: 'Formulaire mal configuré' })).toHaveCount(0);
  });

  test('publier une nouvelle version des CGU : elle est en vigueur, les anciennes restent', async ({ page }) => {
    await apiLogIn(page, ADMIN);
    await page.goto('/admin/cgu');
    const versions = page.getByTestId('cgu-version');
    await expect(versions.first()).toBeVisible();
    const count = await versions.count();
    const oldCurrent = versions.filter({ has: page.getByTestId('cgu-current') });
    await expect(oldCurrent).toHaveCount(1);
    const oldSha = (await oldCurrent.getByTestId('cgu-sha256').textContent())!.trim();

    const title = `Conditions générales ${Date.now()}`;
    await page.getByTestId('cgu-new').click();
    const form = page.getByTestId('cgu-form');
    // The new version starts from the current text.
    await expect(form.getByTestId('field-text')).not.toHaveValue('');
    await form.getByTestId('field-title').fill(title);
    await form.getByTestId('field-text').fill(
      `${await form.getByTestId('field-text').inputValue()}\n\n8. Mise à jour\nCette version précise la durée de conservation.`,
    );
    await form.getByTestId('cgu-publish').click();
    await expect(form).toHaveCount(0);
    await expect(versions).toHaveCount(count + 1);
    const current = versions.filter({ has: page.getByTestId('cgu-current') });
    await expect(current).toHaveCount(1);
    await expect(current).toContainText(title);
    await expect(current.getByTestId('cgu-current')).toHaveText('En vigueur');
    const newSha = (await current.getByTestId('cgu-sha256').textContent())!.trim();
    expect(newSha).toMatch(/^[0-9a-f]{64}$/);
    expect(newSha).not.toBe(oldSha);
    // The old one is still there, no longer current.
    const old = versions.filter({ has: page.getByText(oldSha, { exact: true }) });
    await expect(old).toHaveCount(1);
    await expect(old.getByTestId('cgu-current')).toHaveCount(0);
    await fullPageShot(page, 'admin-cgu-published.png');
  });

  test('une clé API fournisseur : le secret affiché une fois, puis révoquée', async ({ page }) => {
    await apiLogIn(page, ADMIN);
    await page.goto('/admin/api-keys');
    const name = `Clé comparateur ${Date.now()}`;
    const form = page.getByTestId('api-key-form');
    await form.getByTestId('field-name').fill(name);
    await form.getByTestId('field-supplier').fill('LeadsPlus');
    await form.getByTestId('api-key-create').click();
    const secret = page.getByTestId('api-key-secret');
    await expect(secret).toHaveText(/^oubli_sk_\S{20,}$/);
    const value = (await secret.textContent())!.trim();
    await expect(page.getByTestId('api-key-secret-box')).toContainText(name);
    const row = page.getByTestId('api-key-row').filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('LeadsPlus');
    // The list shows only the start of the key.
    await expect(row).not.toContainText(value);
    await fullPageShot(page, 'admin-api-key-secret.png');

    // Once: after a reload, the secret is nowhere on the page.
    await page.reload();
    await expect(row).toHaveCount(1);
    await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
    expect(await page.content()).not.toContain(value);

    await row.getByTestId('api-key-revoke').click();
    // Revoking asks for a second click.
    await expect(row.getByTestId('api-key-revoked')).toHaveCount(0);
    await row.getByTestId('api-key-revoke-confirm').click();
    await expect(row.getByTestId('api-key-revoked')).toContainText('Révoquée le');
    await expect(row.getByTestId('api-key-revoke')).toHaveCount(0);
    // The revoked key no longer opens the supplier route.
    const r = await page.request.post('/api/v1/leads', {
      headers: { authorization: `Bearer ${value}` },
      data: {},
    });
    expect(r.status()).toBe(401);
  });

  test("un suppléant qui ouvre /admin voit le refus et aucune rubrique", async ({ page, shell }) => {
    await apiLogIn(page, USERS.deputy);
    await page.goto('/admin');
    await shell.expectLoggedIn();
    await expect(page.getByTestId('admin-page')).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText('Votre rôle ne donne pas accès à cette page.');
    await expect(page.locator('[data-testid^="admin-tab-"]')).toHaveCount(0);
    await expect(page.getByTestId('widgets-table')).toHaveCount(0);
    await expect(shell.navAdmin).toHaveCount(0);
    await fullPageShot(page, 'admin-forbidden.png');
  });
});
