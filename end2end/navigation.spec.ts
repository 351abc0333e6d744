// Journey: links inside the app change the screen without reloading the page (the app
// has no router crate: src/nav.rs takes over clicks on its links), Back and Forward
// follow, the current section is marked for screen readers, and a link opened in a new
// tab (Ctrl+click) is left to the browser.
import { USERS, apiLogIn, expect, test } from './fixtures';

test.describe('navigation', () => {
  test('les liens changent d’écran sans recharger la page, Précédent revient', async ({
    page,
    context,
    shell,
    contactsList,
  }) => {
    await apiLogIn(page, USERS.admin);
    await page.goto('/contacts');
    await contactsList.expectLoaded();
    await expect(shell.navContacts).toHaveAttribute('aria-current', 'page');
    await expect(shell.navProjects).not.toHaveAttribute('aria-current', /.*/);
    // A value that a page load would wipe out.
    await page.evaluate(() => ((window as unknown as { still: number }).still = 42));
    const still = () => page.evaluate(() => (window as unknown as { still?: number }).still);

    await shell.navProjects.click();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(shell.navProjects).toHaveAttribute('aria-current', 'page');
    await expect(shell.navContacts).not.toHaveAttribute('aria-current', /.*/);
    expect(await still()).toBe(42);

    // A contact's page: "Contacts" stays the current section below /contacts.
    await page.goBack();
    await expect(page).toHaveURL(/\/contacts$/);
    await contactsList.expectLoaded();
    await contactsList.rows.first().locator('a').first().click();
    await expect(page).toHaveURL(/\/contacts\/[^/]+$/);
    await expect(shell.navContacts).toHaveAttribute('aria-current', 'page');
    expect(await still()).toBe(42);

    await page.goBack();
    await expect(page).toHaveURL(/\/contacts$/);
    await page.goForward();
    await expect(page).toHaveURL(/\/contacts\/[^/]+$/);
    expect(await still()).toBe(42);

    // Ctrl+click: a new tab, this one stays where it is.
    const [opened] = await Promise.all([
      context.waitForEvent('page'),
      shell.navTasks.click({ modifiers: ['Control'] }),
    ]);
    await opened.waitForLoadState();
    expect(new URL(opened.url()).pathname).toBe('/tasks');
    await expect(page).toHaveURL(/\/contacts\/[^/]+$/);
    await opened.close();
  });
});
