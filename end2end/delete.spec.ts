// Journey (issue 4, first step): an administrator deletes a contact from its page. The
// dialog demands the typed word; the app then goes through the server's two steps
// (POST /erasures → preview and token, POST /erasures/{id}/confirm), and the contact,
// with everything hanging from it, is gone. A salesperson only sees the request buttons.
import { CSRF, USERS, apiLogIn, expect, test } from './fixtures';

test.describe('suppression', () => {
  test("un administrateur supprime un contact en deux étapes, après avoir tapé le mot", async ({ page }) => {
    await apiLogIn(page, USERS.admin);
    const stamp = Date.now().toString(36);
    const created = await page.request.post('/api/v1/contacts', {
      data: { last_name: `Asupprimer-${stamp}`, email: `supp.${stamp}@exemple.fr` },
      headers: CSRF,
    });
    expect(created.status()).toBe(201);
    const id = (await created.json()).id as string;
    const note = await page.request.post(`/api/v1/contacts/${id}/notes`, {
      data: { body: 'Note à effacer' },
      headers: CSRF,
    });
    expect(note.status()).toBe(201);

    const erasureCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/erasures')) erasureCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`/contacts/${id}`);
    await expect(page.getByTestId('contact-page')).toBeVisible();
    await page.getByTestId('btn-delete').click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect(dialog).toBeVisible();
    // One click is not enough: the word must be typed.
    await expect(page.getByTestId('confirm-ok')).toBeDisabled();
    await page.getByTestId('confirm-input').fill('SUPPRIMER');
    await page.getByTestId('confirm-ok').click();
    await expect(page).toHaveURL(/\/contacts$/);

    expect(erasureCalls).toEqual(['POST /api/v1/erasures', expect.stringMatching(/^POST \/api\/v1\/erasures\/[^/]+\/confirm$/)]);
    const gone = await page.request.get(`/api/v1/contacts/${id}`);
    expect(gone.status()).toBe(404);
    const audit = await (await page.request.get('/api/v1/audit?limit=20')).json();
    const entry = audit.items.find((e: { action: string; target_id: string }) => e.action === 'contact.delete' && e.target_id === id);
    expect(entry, 'the deletion is in the audit log').toBeTruthy();
    expect(JSON.stringify(audit)).not.toContain(`Asupprimer-${stamp}`);
  });

  test('un commercial ne voit que les demandes', async ({ page }) => {
    await apiLogIn(page, USERS.sales1);
    const r = await page.request.get('/api/v1/contacts?limit=1');
    const id = (await r.json()).items[0].id as string;
    await page.goto(`/contacts/${id}`);
    await expect(page.getByTestId('contact-page')).toBeVisible();
    await expect(page.getByTestId('btn-request-delete')).toBeVisible();
    await expect(page.getByTestId('btn-delete')).toHaveCount(0);
  });
});
