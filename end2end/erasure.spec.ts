// Journeys of issue 4 in real Chromium against the real server: anonymize from a
// contact page and from a project page, delete a project, a salesperson's request
// approved by an administrator (and another one rejected), and the read-only record
// afterwards. Every erasure goes through the dialog: the server's preview counts, the
// typed word (ANONYMISER or SUPPRIMER), then the server's confirmation.
import { type Page } from '@playwright/test';
import { CSRF, USERS, apiLogIn, expect, screenshotPath, test, fullPageShot } from './fixtures';

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function post(page: Page, path: string, data: unknown) {
  const r = await page.request.post(`/api/v1${path}`, { data, headers: CSRF });
  expect(r.status(), `POST ${path}: ${await r.text()}`).toBe(201);
  return r.json();
}

/** A contact with a note, a project with a beneficiary and a contract, through the API. */
async function seedContact(page: Page, name: string) {
  const contact = await post(page, '/contacts', {
    first_name: 'Aline',
    last_name: name,
    email: `${name.toLowerCase()}@exemple.fr`,
    postal_code: '69003',
    city: 'Lyon',
  });
  await post(page, `/contacts/${contact.id}/notes`, { body: `Note sur ${name}` });
  const project = await post(page, '/projects', {
    contact_id: contact.id,
    type: 'sante',
    supplier: 'Mutuelle Exemple',
    beneficiaries: [{ first_name: 'Léo', last_name: name, birth_date: '2012-05-04' }],
  });
  const contract = await post(page, '/contracts', {
    project_id: project.id,
    insurer: 'Assureur Exemple',
    monthly_premium_cents: 4590,
    insured: [{ first_name: 'Aline', last_name: name, birth_date: '1980-02-03' }],
  });
  return { contactId: contact.id as string, projectId: project.id as string, contractId: contract.id as string };
}

test.describe('effacement depuis les fiches', () => {
  test("anonymiser depuis la fiche contact : portée du serveur, mot à taper, fiche en lecture seule", async ({ page, contactPage }) => {
    await apiLogIn(page, USERS.admin);
    const name = `Anonyme${stamp()}`;
    const { contactId } = await seedContact(page, name);

    await page.goto(`/contacts/${contactId}`);
    await expect(contactPage.root).toBeVisible();
    await contactPage.openErasure(contactPage.btnAnonymize);
    await expect(contactPage.previewCount('contacts')).toHaveText('1');
    await expect(contactPage.previewCount('projects')).toHaveText('1');
    await expect(contactPage.previewCount('contracts')).toHaveText('1');
    await expect(contactPage.previewCount('activity')).not.toHaveText('0');
    await expect(contactPage.confirmDialog).toContainText('irréversible');
    await expect(contactPage.confirmDialog).toContainText('statistiques ne changent pas');
    await page.screenshot({ path: screenshotPath('dialogue-anonymisation.png') });
    // The delete word does not anonymize.
    await page.getByTestId('confirm-input').fill('SUPPRIMER');
    await expect(page.getByTestId('confirm-ok')).toBeDisabled();
    await contactPage.confirmErasure('ANONYMISER');

    // The page reloads the record: read-only, and says why.
    await expect(contactPage.readonlyBanner).toBeVisible();
    await expect(contactPage.btnAnonymize).toBeDisabled();
    await expect(page.getByTestId('contact-page')).not.toContainText(name);
    await expect(contactPage.field('last_name')).toBeDisabled();
    await expect(contactPage.save).toBeDisabled();
    await fullPageShot(page, 'fiche-contact-anonymisee.png');

    const r = await page.request.get(`/api/v1/contacts/${contactId}`);
    const detail = await r.json();
    expect(detail.anonymized_at).toBeTruthy();
    expect(JSON.stringify(detail)).not.toContain(name);
    // The server refuses edits too (409), whatever the UI shows.
    const edit = await page.request.patch(`/api/v1/contacts/${contactId}`, { data: { first_name: 'X' }, headers: CSRF });
    expect(edit.status()).toBe(409);
  });

  test("anonymiser depuis la fiche projet anonymise son contact", async ({ page, projectPage }) => {
    await apiLogIn(page, USERS.deputy);
    const name = `Projanon${stamp()}`;
    const { contactId, projectId } = await seedContact(page, name);

    await page.goto(`/projects/${projectId}`);
    await expect(projectPage.root).toBeVisible();
    await projectPage.openErasure(projectPage.btnAnonymize);
    await expect(projectPage.previewCount('contacts')).toHaveText('1');
    await projectPage.confirmErasure('ANONYMISER');
    await expect(projectPage.readonlyBanner).toBeVisible();
    await expect(projectPage.btnAnonymize).toBeDisabled();

    const contact = await (await page.request.get(`/api/v1/contacts/${contactId}`)).json();
    expect(contact.anonymized_at).toBeTruthy();
    const project = await (await page.request.get(`/api/v1/projects/${projectId}`)).json();
    expect(JSON.stringify(project)).not.toContain(name);
    expect(project.supplier).toBe('Mutuelle Exemple');
  });

  test('supprimer un projet : ses contrats partent avec lui, le contact reste', async ({ page, projectPage, contactPage }) => {
    await apiLogIn(page, USERS.admin);
    const name = `Projsupp${stamp()}`;
    const { contactId, projectId, contractId } = await seedContact(page, name);

    await page.goto(`/projects/${projectId}`);
    await expect(projectPage.root).toBeVisible();
    await projectPage.openErasure(projectPage.btnDelete);
    await expect(projectPage.previewCount('contacts')).toHaveText('0');
    await expect(projectPage.previewCount('projects')).toHaveText('1');
    await expect(projectPage.previewCount('contracts')).toHaveText('1');
    await expect(projectPage.confirmDialog).toContainText('modifie les statistiques');
    await projectPage.confirmErasure('SUPPRIMER');

    await expect(page).toHaveURL(new RegExp(`/contacts/${contactId}$`));
    await expect(contactPage.root).toBeVisible();
    expect((await page.request.get(`/api/v1/projects/${projectId}`)).status()).toBe(404);
    expect((await page.request.get(`/api/v1/contracts/${contractId}`)).status()).toBe(404);
    expect((await page.request.get(`/api/v1/contacts/${contactId}`)).status()).toBe(200);
  });
});

test.describe("demandes d'effacement", () => {
  test("un commercial demande l'anonymisation, un administrateur approuve, la fiche passe en lecture seule", async ({ page, contactPage }) => {
    const sales = await apiLogIn(page, USERS.sales1);
    const name = `Demande${stamp()}`;
    const contact = await post(page, '/contacts', { first_name: 'Rémi', last_name: name, assigned_to: sales.id });

    await page.goto(`/contacts/${contact.id}`);
    await expect(contactPage.root).toBeVisible();
    await expect(contactPage.btnAnonymize).toHaveCount(0);
    await contactPage.btnRequestAnonymize.click();
    await page.getByTestId('request-reason').fill('Demande écrite du client reçue ce jour');
    await page.getByTestId('request-send').click();
    await expect(page.getByTestId('request-sent')).toBeVisible();
    await expect(page.getByTestId('request-pending')).toBeVisible();
    await expect(contactPage.btnRequestAnonymize).toBeDisabled();

    // The administrator sees it among the erasure requests and approves it: the
    // same two-step dialog.
    await apiLogIn(page, USERS.admin);
    await page.goto('/tasks');
    const row = page.getByTestId('request-row').filter({ has: page.locator(`a[href="/contacts/${contact.id}"]`) });
    await expect(row).toHaveAttribute('data-status', 'open');
    await expect(row).toContainText('Demande écrite du client');
    await row.getByTestId('request-approve').click();
    await expect(contactPage.confirmDialog).toBeVisible();
    await expect(contactPage.previewCount('contacts')).toHaveText('1');
    await page.screenshot({ path: screenshotPath('approbation-demande.png') });
    await contactPage.confirmErasure('ANONYMISER');
    const done = page.getByTestId('request-row').filter({ has: page.locator(`a[href="/contacts/${contact.id}"]`) });
    await expect(done).toHaveAttribute('data-status', 'done');

    // The requester sees the outcome on their task list, and the record is read-only.
    await apiLogIn(page, USERS.sales1);
    await page.goto('/tasks');
    const mine = page.getByTestId('request-row').filter({ has: page.locator(`a[href="/contacts/${contact.id}"]`) });
    await expect(mine).toHaveAttribute('data-status', 'done');
    await expect(mine.getByTestId('request-approve')).toHaveCount(0);
    await mine.getByTestId('request-target').click();
    await expect(contactPage.root).toBeVisible();
    await expect(contactPage.readonlyBanner).toBeVisible();
    await expect(contactPage.field('last_name')).toBeDisabled();
    await expect(contactPage.btnRequestAnonymize).toBeDisabled();
  });

  test('une demande refusée garde son motif, que le demandeur lit', async ({ page }) => {
    const lead = await apiLogIn(page, USERS.teamLead);
    const contact = await post(page, '/contacts', { last_name: `Refus${stamp()}`, assigned_to: lead.id });
    await post(page, '/erasure-requests', { action: 'delete', target: { contacts: [contact.id] }, reason: 'Doublon' });

    await apiLogIn(page, USERS.deputy);
    await page.goto('/tasks');
    const row = page.getByTestId('request-row').filter({ has: page.locator(`a[href="/contacts/${contact.id}"]`) });
    await row.getByTestId('request-reject').click();
    await row.getByTestId('reject-reason').fill('Contrat en cours : conservation obligatoire');
    await row.getByTestId('reject-send').click();
    await expect(page.getByTestId('request-row').filter({ has: page.locator(`a[href="/contacts/${contact.id}"]`) })).toHaveAttribute('data-status', 'rejected');

    await apiLogIn(page, USERS.teamLead);
    await page.goto('/tasks');
    const mine = page.getByTestId('request-row').filter({ has: page.locator(`a[href="/contacts/${contact.id}"]`) });
    await expect(mine).toHaveAttribute('data-status', 'rejected');
    await expect(mine.getByTestId('request-decision')).toContainText('conservation obligatoire');
    expect((await page.request.get(`/api/v1/contacts/${contact.id}`)).status()).toBe(200);
  });
});
