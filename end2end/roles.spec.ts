// Journey (issue 3, Acceptance): each of the five demo users logs in and sees only what
// their role allows (PRODUCT.md §1, permission matrix).
import {
  USERS,
  canAdminister,
  canErase,
  canSeeRgpd,
  expect,
  firstContactId,
  listTotal,
  me,
  screenshotPath,
  test,
  type DemoUser,
} from './fixtures';

/** The admin's contacts total, measured once (the whole cabinet). */
let adminTotal = 0;

test.describe('rôles', () => {
  for (const [key, user] of Object.entries(USERS) as [string, DemoUser][]) {
    test(`${user.email} (${user.roleLabel}) ne voit que ce que son rôle permet`, async ({
      page,
      browser,
      loginPage,
      shell,
      contactsList,
      contactPage,
    }) => {
      if (!adminTotal) {
        // Measured in a context of its own, so this user's session is untouched.
        const ctx = await browser.newContext();
        const r = await ctx.request.post('/api/v1/session', {
          data: { email: USERS.admin.email, password: USERS.admin.password },
          headers: { 'x-oubli-request': '1' },
        });
        expect(r.status()).toBe(200);
        adminTotal = await listTotal(ctx.request, 'contacts');
        await ctx.close();
      }

      await loginPage.goto();
      const response = await loginPage.logIn(user.email, user.password);
      expect(response.status()).toBe(200);
      await shell.expectLoggedIn();
      const self = await me(page.request);
      expect(self.email).toBe(user.email);
      await expect(shell.userName).toHaveText(self.name);
      await expect(shell.userRole).toHaveText(user.roleLabel);
      await expect(shell.cabinetName).toHaveText(self.cabinet_name);

      // Navigation mirrors the permission matrix.
      await expect(shell.navContacts).toBeVisible();
      await expect(shell.navProjects).toBeVisible();
      await expect(shell.navTasks).toBeVisible();
      if (canSeeRgpd(user)) await expect(shell.navRgpd).toBeVisible();
      else await expect(shell.navRgpd).toHaveCount(0);
      if (canAdminister(user)) await expect(shell.navAdmin).toBeVisible();
      else await expect(shell.navAdmin).toHaveCount(0);

      // The contacts list: the same total as the API for this user.
      await shell.navContacts.click();
      await contactsList.expectLoaded();
      const apiTotal = await listTotal(page.request, 'contacts');
      expect(await contactsList.totalCount()).toBe(apiTotal);
      if (key === 'admin') {
        expect(apiTotal).toBe(adminTotal);
        await page.screenshot({ path: screenshotPath('contacts-list.png') });
      }
      if (user.role === 'sales') {
        // A salesperson sees fewer contacts than the cabinet, all assigned to them.
        expect(apiTotal).toBeGreaterThan(0);
        expect(apiTotal).toBeLessThan(adminTotal);
        const ids = await contactsList.rowIds();
        expect(ids.length).toBeGreaterThan(0);
        for (const id of ids) {
          expect(id, 'every list-row carries data-id').not.toBe('');
          const r = await page.request.get(`/api/v1/contacts/${id}`);
          expect(r.status()).toBe(200);
          const body = await r.json();
          const assigned = body.contact?.assigned_to ?? body.assigned_to;
          expect(assigned, `contact ${id} is assigned to ${user.email}`).toBe(self.id);
        }
        // On screen too: the "assigned to" column names them on every row.
        const col = await contactsList.columnIndex(/attribu|commercial|assign/i);
        expect(col, 'the contacts table has an "assigned user" column').toBeGreaterThanOrEqual(0);
        const cells = await contactsList.rows.evaluateAll(
          (rows, col) => rows.map((r) => (r.querySelectorAll('td, th')[col] as HTMLElement)?.innerText ?? ''),
          col,
        );
        for (const cell of cells) expect(cell.trim()).toBe(self.name);
      }
      if (user.role === 'team_lead') {
        expect(apiTotal).toBeLessThanOrEqual(adminTotal);
      }

      // A contact page: erasure buttons for admin and deputy, requests for the others.
      await contactPage.goto(await firstContactId(page.request));
      if (canErase(user)) {
        await expect(contactPage.btnAnonymize).toBeVisible();
        await expect(contactPage.btnDelete).toBeVisible();
        await expect(contactPage.btnRequestAnonymize).toHaveCount(0);
        await expect(contactPage.btnRequestDelete).toHaveCount(0);
      } else {
        await expect(contactPage.btnRequestAnonymize).toBeVisible();
        await expect(contactPage.btnRequestDelete).toBeVisible();
        await expect(contactPage.btnAnonymize).toHaveCount(0);
        await expect(contactPage.btnDelete).toHaveCount(0);
      }

      // The server agrees: RGPD-only endpoints refuse the others.
      const audit = await page.request.get('/api/v1/audit');
      expect(audit.status()).toBe(canErase(user) ? 200 : 403);
    });
  }
});
