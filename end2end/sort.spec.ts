// Journey: sorting the lists, and the list's URL keeping the sort and the filters
// (a reload or a shared link shows the same list).
import { USERS, apiLogIn, expect, screenshotPath, test } from './fixtures';
import type { APIRequestContext } from '@playwright/test';

/** Ids of the first `limit` rows the API gives for `query` (the order to expect). */
async function apiIds(request: APIRequestContext, path: string, query: string, limit: number) {
  const r = await request.get(`/api/v1/${path}?${query}&limit=${limit}`);
  expect(r.status(), `${path}?${query}`).toBe(200);
  const body = await r.json();
  return {
    ids: body.items.map((i: { id: string }) => i.id) as string[],
    items: body.items as Record<string, unknown>[],
    total: body.total as number,
  };
}

test.describe('tri des listes', () => {
  test('trier les contacts par nom, filtrer, recharger : le tri et le filtre restent', async ({
    page,
    contactsList,
  }) => {
    await apiLogIn(page, USERS.admin);
    await contactsList.goto();
    // Newest first by default, nothing in the URL.
    await contactsList.expectSorted('created', 'descending');
    await expect(contactsList.sortOrder).toHaveText("Tri : plus récents d'abord");

    // A click on "Nom": A to Z, in the URL.
    await contactsList.sortButton('name').click();
    await expect(page).toHaveURL(/\/contacts\?sort=name_asc$/);
    await contactsList.expectSorted('name', 'ascending');
    await expect(contactsList.sortOrder).toHaveText('Tri : nom, de A à Z');
    const size = await contactsList.rows.count();
    expect(size).toBeGreaterThan(10);
    const byName = await apiIds(page.request, 'contacts', 'sort=name_asc', size);
    await contactsList.expectRows(byName.ids);
    // The first rows are in alphabetical order of last name (case ignored).
    const lastNames = byName.items
      .slice(0, 10)
      .map((c) => String(c.last_name ?? c.company_name ?? '').toLowerCase());
    expect(lastNames).toEqual([...lastNames].sort());
    const firstName = await contactsList.rows.first().locator('th').innerText();
    expect(firstName.toLowerCase()).toContain(lastNames[0]);
    await page.screenshot({ path: screenshotPath('liste-contacts-tri-nom.png') });

    // A filter on top of the sort: both in the URL.
    await contactsList.filter('status').selectOption(['client']);
    await contactsList.filterApply.click();
    await expect(page).toHaveURL(/[?&]status=client(&|$)/);
    await expect(page).toHaveURL(/[?&]sort=name_asc(&|$)/);
    const clients = await apiIds(page.request, 'contacts', 'status=client&sort=name_asc', 50);
    expect(clients.ids.length).toBeGreaterThan(0);
    await contactsList.expectRows(clients.ids);

    // Reload: the same list, the same sort, the filter back in the panel.
    const url = page.url();
    await page.reload();
    await contactsList.expectLoaded();
    expect(page.url()).toBe(url);
    await contactsList.expectSorted('name', 'ascending');
    await expect(contactsList.sortOrder).toHaveText('Tri : nom, de A à Z');
    await expect(contactsList.filter('status')).toHaveValues(['client']);
    await expect(page.getByTestId('filter-panel')).toContainText('1 filtre actif');
    await contactsList.expectRows(clients.ids);
    expect(await contactsList.totalCount()).toBe(clients.total);

    // A second click reverses; the keyboard works as well as the mouse.
    await contactsList.sortButton('name').focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/[?&]sort=name_desc(&|$)/);
    await contactsList.expectSorted('name', 'descending');
    const reversed = await apiIds(page.request, 'contacts', 'status=client&sort=name_desc', 50);
    await contactsList.expectRows(reversed.ids);

    // Back returns to the previous order.
    await page.goBack();
    await expect(page).toHaveURL(/[?&]sort=name_asc(&|$)/);
    await contactsList.expectSorted('name', 'ascending');
    await contactsList.expectRows(clients.ids);

    // Deep pages follow the sort too (keyset cursor of this order).
    await contactsList.filterReset.click();
    await expect(page).toHaveURL(/\/contacts\?sort=name_asc$/);
    await contactsList.next.click();
    const second = await apiIds(page.request, 'contacts', 'sort=name_asc', 2 * size);
    await contactsList.expectRows(second.ids.slice(size));
  });

  test('la liste des projets montre le contact et se trie par contact', async ({
    page,
    projectsList,
    contactsList,
  }) => {
    await apiLogIn(page, USERS.admin);
    await page.goto('/projects?sort=contact_asc');
    await projectsList.expectLoaded();
    await projectsList.expectSorted('name', 'ascending');
    await expect(projectsList.sortOrder).toHaveText('Tri : contact, de A à Z');
    const size = await projectsList.rows.count();
    const byContact = await apiIds(page.request, 'projects', 'sort=contact_asc', size);
    await projectsList.expectRows(byContact.ids);
    // The contact column shows the names the API sends.
    const col = await projectsList.columnIndex(/^contact/i);
    expect(col).toBeGreaterThan(0);
    const first = byContact.items[0];
    await expect(projectsList.rows.first().locator('th, td').nth(col)).toHaveText(
      String(first.contact_name ?? 'Contact anonymisé'),
    );
    await page.screenshot({ path: screenshotPath('liste-projets-tri-contact.png') });

    // The supplier filter offers the cabinet's suppliers.
    await projectsList.filter('supplier').focus();
    await expect
      .poll(() => page.getByTestId('filter-supplier-options').locator('option').count())
      .toBeGreaterThan(0);

    // The contacts list at a laptop's size, scrolled to the end: the action bar
    // leaves the last row visible.
    await contactsList.goto();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const lastRow = page.getByTestId('list-row').last();
    const bar = page.locator('.action-bar');
    const rowBox = (await lastRow.boundingBox())!;
    const barBox = (await bar.boundingBox())!;
    expect(rowBox.y + rowBox.height).toBeLessThanOrEqual(barBox.y + 1);
    await page.screenshot({ path: screenshotPath('liste-contacts-bas.png') });
  });
});
