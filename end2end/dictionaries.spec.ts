// Journey (issue 13 item 6): the app's first load carries only the dictionaries of its
// first screens (i18n::BOOT_AREAS, preloaded by index.html, which scripts/budget.sh
// counts); the others arrive when a screen needs them, and their text shows.
import type { Page } from '@playwright/test';
import { ADMIN, USERS, apiLogIn, expect, firstContactId, test } from './fixtures';

/** Records the paths of the dictionary files the page fetches, in order. */
function dictionaryRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/locales/')) seen.push(path);
  });
  return seen;
}

test.describe('dictionnaires', () => {
  test("la connexion ne charge que les textes des premiers écrans, une fiche charge les siens à l'ouverture", async ({
    page,
    loginPage,
    shell,
    contactPage,
  }) => {
    const seen = dictionaryRequests(page);
    await page.goto('/');
    await loginPage.expectShown();
    await loginPage.logIn(ADMIN.email, ADMIN.password);
    await expect(shell.userRole).toHaveText('Administrateur');
    // The guides button's label is there without guide.json.
    await expect(shell.guideButton).toHaveAttribute('aria-label', 'Guides RGPD');
    expect([...new Set(seen)].sort()).toEqual(['/locales/fr/common.json', '/locales/fr/lists.json']);
    // Each once: the preload is the fetch the app uses.
    expect(seen.filter((p) => p === '/locales/fr/common.json')).toHaveLength(1);

    // A record screen fetches record.json before it shows, and its labels are there.
    const id = await firstContactId(page.request);
    await page.goto(`/contacts/${id}`);
    await contactPage.expectLoaded();
    expect(seen).toContain('/locales/fr/record.json');
    await expect(contactPage.root).toContainText('Identité');
    await expect(contactPage.root).toContainText('Coordonnées');
    await expect(page.locator('body')).not.toContainText('record.');

    // The guides panel fetches guide.json when opened; French messages.json never.
    await shell.openGuides();
    await expect(shell.guideLink('informations-rgpd')).toContainText('Informations RGPD');
    expect(seen).toContain('/locales/fr/guide.json');
    expect(seen).not.toContain('/locales/fr/messages.json');
    expect(seen).not.toContain('/locales/fr/tasks.json');
  });

  test('une fiche ouverte directement a ses textes dès le premier affichage', async ({
    page,
    contactPage,
  }) => {
    await apiLogIn(page, USERS.admin);
    const id = await firstContactId(page.request);
    const seen = dictionaryRequests(page);
    await page.goto(`/contacts/${id}`);
    await contactPage.expectLoaded();
    expect(seen).toEqual(
      expect.arrayContaining(['/locales/fr/common.json', '/locales/fr/lists.json', '/locales/fr/record.json']),
    );
    await expect(contactPage.root).toContainText('Identité');
    await expect(page.locator('body')).not.toContainText('record.');
    await expect(page.locator('body')).not.toContainText('common.');
  });
});
