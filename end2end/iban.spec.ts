// Journey (issue 3, Acceptance): an invalid IBAN is refused with a French message
// before submission (the domain validator runs as the user types) and after submission
// (the server's 422, shown next to the field).
import { CSRF, USERS, apiLogIn, expect, test } from './fixtures';

const GOOD = 'FR7630006000011234567890189';
/** One digit off: right length and country, wrong mod-97 key. */
const BAD = 'FR7630006000011234567890188';
const KEY_MESSAGE = "L'IBAN est invalide : vérifiez les caractères saisis (clé de contrôle incorrecte).";
const FIELD = 'subscriptions.0.iban';

test.describe('IBAN', () => {
  test.beforeEach(async ({ page, contactPage }) => {
    await apiLogIn(page, USERS.admin);
    const r = await page.request.post('/api/v1/contacts', {
      data: { first_name: 'Iban', last_name: `Contrôle-${Date.now().toString(36)}` },
      headers: CSRF,
    });
    expect(r.status()).toBe(201);
    const { id } = await r.json();
    await contactPage.goto(id);
    await contactPage.projectNew.click();
    await expect(contactPage.projectForm).toBeVisible();
    await contactPage.fill('type', 'sante');
    await contactPage.subscriptionAdd.click();
    await expect(contactPage.field(FIELD)).toBeVisible();
  });

  test('refusé en français pendant la saisie, sans appel au serveur', async ({ page, contactPage }) => {
    let posted = false;
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/projects') && r.method() === 'POST') posted = true;
    });

    await contactPage.field(FIELD).pressSequentially(BAD, { delay: 5 });
    // Before any submission, while typing (or on leaving the field at the latest).
    if (!(await contactPage.fieldError(FIELD).isVisible())) await contactPage.field(FIELD).blur();
    await expect(contactPage.fieldError(FIELD)).toHaveText(KEY_MESSAGE);
    await expect(contactPage.field(FIELD)).toHaveAttribute('aria-invalid', 'true');

    await contactPage.projectSave.click();
    await expect(contactPage.fieldError(FIELD)).toHaveText(KEY_MESSAGE);
    await expect(page).not.toHaveURL(/\/projects\//);
    expect(posted).toBe(false);

    // Corrected, the message goes away.
    await contactPage.field(FIELD).fill(GOOD);
    await contactPage.field(FIELD).blur();
    await expect(contactPage.fieldError(FIELD)).toBeHidden();
  });

  test("refusé par le serveur (422) et affiché à côté du champ", async ({ page, contactPage }) => {
    // The server refuses on its own: the same rule, checked at the API.
    const direct = await page.request.post('/api/v1/projects', {
      data: {
        contact_id: new URL(page.url()).pathname.split('/').pop(),
        type: 'sante',
        subscriptions: [{ iban: BAD }],
      },
      headers: CSRF,
    });
    expect(direct.status()).toBe(422);
    const body = await direct.json();
    expect(body.error.fields[FIELD]).toBe(KEY_MESSAGE);

    // Now through the form: the browser accepts a valid IBAN, and the request it sends
    // is altered on its way so only the server can catch the bad value.
    await contactPage.fill(FIELD, GOOD);
    await expect(contactPage.fieldError(FIELD)).toBeHidden();
    await page.route('**/api/v1/projects', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.continue();
      const sent = req.postDataJSON();
      sent.subscriptions[0].iban = BAD;
      await route.continue({ postData: JSON.stringify(sent) });
    });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/projects') && r.request().method() === 'POST'),
      contactPage.projectSave.click(),
    ]);
    expect(response.status()).toBe(422);
    await expect(contactPage.fieldError(FIELD)).toBeVisible();
    await expect(contactPage.fieldError(FIELD)).toHaveText(KEY_MESSAGE);
    await expect(page).not.toHaveURL(/\/projects\//);
  });
});
