// Issue 5 journey in real Chromium against the real server: the retention preset,
// "select all N results" minus a few rows, "Anonymiser les contacts" at the bottom of
// the list, the server's counts for that exact selection, the background job's
// progress bar up to 100 %, then the records anonymized in the list, untouched
// exclusions, and the job on the RGPD page.
import { USERS, apiLogIn, expect, screenshotPath, test, fullPageShot } from './fixtures';

test.describe('effacement groupé', () => {
  test('préréglage de conservation, tout sélectionner sauf deux, anonymiser, progression jusqu’à 100 %', async ({ page, contactsList }) => {
    test.setTimeout(120_000);
    const admin = await apiLogIn(page, USERS.admin);
    // One salesperson's retention selection keeps the run short but well above the
    // inline limit (20): the job runs in the background.
    const users = await (await page.request.get('/api/v1/users')).json();
    const sales2 = users.find((u: { email: string; id: string }) => u.email === USERS.sales2.email);
    expect(sales2, 'demo user commercial2').toBeTruthy();
    const apiQuery = `preset=retention&assigned_to=${sales2.id}`;
    const before = await (await page.request.get(`/api/v1/contacts?${apiQuery}&limit=1`)).json();
    const n = before.total as number;
    expect(n, 'the demo data has old prospects for the retention preset').toBeGreaterThan(22);

    await contactsList.goto();
    await page.getByTestId('filter-preset').check();
    await page.getByTestId('filter-assigned_to').selectOption(sales2.id);
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => contactsList.totalCount()).toBe(n);
    await expect(page).toHaveURL(/preset=retention/);

    await contactsList.selectPage.check();
    await contactsList.selectAllMatching.click();
    const excluded = [
      await contactsList.rows.nth(0).getAttribute('data-id'),
      await contactsList.rows.nth(1).getAttribute('data-id'),
    ] as string[];
    await contactsList.rows.nth(0).getByTestId('row-select').uncheck();
    await contactsList.rows.nth(1).getByTestId('row-select').uncheck();
    await expect(contactsList.selectionCount).toContainText(String(n - 2));

    // The erasure call carries the filter and the exclusions, never a list of ids.
    const bodies: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/erasures') bodies.push(r.postData() ?? '');
    });
    await page.getByTestId('bulk-anonymize').click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect(dialog.getByTestId('preview-contacts')).toHaveText(String(n - 2));
    const sent = JSON.parse(bodies[0]);
    expect(sent.action).toBe('anonymize');
    expect(sent.target.contacts_filter.preset).toBe('retention');
    expect(sent.target.contacts).toBeUndefined();
    expect([...sent.target.exclude].sort()).toEqual([...excluded].sort());

    await page.getByTestId('confirm-input').fill('ANONYMISER');
    await page.getByTestId('confirm-ok').click();
    const progress = dialog.getByTestId('erasure-progress');
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute('data-pct', '100', { timeout: 60_000 });
    await expect(dialog).toContainText(`${n - 2} sur ${n - 2}`);
    await page.screenshot({ path: screenshotPath('effacement-groupe-100.png') });
    await expect(page.getByTestId('confirm-cancel')).toHaveText('Fermer');
    await page.getByTestId('confirm-cancel').click();

    // The list under the retention preset now holds only the two rows left out.
    await expect.poll(() => contactsList.totalCount()).toBe(2);
    await expect.poll(async () => (await contactsList.rowIds()).sort()).toEqual([...excluded].sort());
    // And the anonymized ones show as such in the list.
    await page.goto(`/contacts?anonymized=true&assigned_to=${sales2.id}`);
    await contactsList.expectLoaded();
    await expect(contactsList.rows.first()).toContainText('Contact anonymisé');
    const after = await (await page.request.get(`/api/v1/contacts?anonymized=true&assigned_to=${sales2.id}&limit=1`)).json();
    expect(after.total).toBeGreaterThanOrEqual(n - 2);
    await page.screenshot({ path: screenshotPath('liste-apres-anonymisation.png') });

    // The job, on the RGPD page.
    await page.goto('/rgpd');
    const job = page.getByTestId('job-row').first();
    await expect(job).toHaveAttribute('data-status', 'done');
    await expect(job.getByTestId('job-progress')).toHaveAttribute('data-pct', '100');
    await expect(job).toContainText(String(n - 2));
    expect(admin.role).toBe('admin');
    await fullPageShot(page, 'rgpd-effacements.png');
  });

  test('un commercial demande l’anonymisation de toute sa sélection : une seule demande, que l’administrateur approuve sur ces contacts-là', async ({ page, contactsList }) => {
    test.setTimeout(90_000);
    await apiLogIn(page, USERS.sales1);
    // A salesperson sees only their own contacts: the preset's total is theirs.
    const before = await (await page.request.get('/api/v1/contacts?preset=retention&limit=1')).json();
    const n = before.total as number;
    expect(n, 'commercial1 has old prospects for the retention preset').toBeGreaterThan(2);

    await contactsList.goto();
    await page.getByTestId('filter-preset').check();
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => contactsList.totalCount()).toBe(n);
    await contactsList.selectPage.check();
    await contactsList.selectAllMatching.click();
    const excluded = (await contactsList.rows.nth(0).getAttribute('data-id')) as string;
    await contactsList.rows.nth(0).getByTestId('row-select').uncheck();
    await expect(contactsList.selectionCount).toContainText(String(n - 1));

    const bodies: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/erasure-requests') bodies.push(r.postData() ?? '');
    });
    // The request variant of the bottom action: a reason, then one request.
    await page.getByTestId('bulk-anonymize').click();
    await expect(page.getByTestId('bulk-request-form')).toBeVisible();
    await expect(page.getByTestId('bulk-request-count')).toContainText(String(n - 1));
    const reason = `Prospects anciens, demande groupée ${Date.now().toString(36)}`;
    await page.getByTestId('request-reason').fill(reason);
    await page.getByTestId('request-send').click();
    await expect(page.getByTestId('bulk-outcome')).toContainText(`pour ${n - 1} contact(s)`);
    expect(bodies).toHaveLength(1);
    const sent = JSON.parse(bodies[0]);
    expect(sent.target.contacts_filter.preset).toBe('retention');
    expect(sent.target.contacts).toBeUndefined();
    expect(sent.target.exclude).toEqual([excluded]);

    // One request for the administrator, about exactly those contacts.
    await apiLogIn(page, USERS.admin);
    await page.goto('/tasks');
    const row = page.getByTestId('request-row').filter({ hasText: reason });
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-status', 'open');
    await expect(row.getByTestId('request-target')).toContainText(String(n - 1));
    await row.getByTestId('request-approve').click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect(dialog.getByTestId('preview-contacts')).toHaveText(String(n - 1));
    await page.screenshot({ path: screenshotPath('approbation-demande-groupee.png') });
    // Left unconfirmed: the demo data stays for the other journeys.
    await page.getByTestId('confirm-cancel').click();
  });
});
