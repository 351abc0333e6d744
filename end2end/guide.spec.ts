// Journey (issue 3, Acceptance): the guides open from the yellow light bulb; every guide
// has its page, in French and in English, and the panel is usable from the keyboard.
import { GUIDES, USERS, apiLogIn, expect, screenshotPath, test, fullPageShot } from './fixtures';

test.describe('guides', () => {
  test.beforeEach(async ({ page }) => {
    await apiLogIn(page, USERS.sales1);
  });

  test("l'ampoule ouvre la liste des guides, chacun mène à sa page", async ({
    page,
    shell,
    guidePage,
  }) => {
    await page.goto('/contacts');
    await expect(shell.guideButton).toBeVisible();
    await expect(shell.guidePanel).toBeHidden();
    await shell.openGuides();
    for (const g of GUIDES) await expect(shell.guideLink(g.slug)).toBeVisible();
    await page.screenshot({ path: screenshotPath('guide-panel.png') });

    await shell.guideLink('informations-rgpd').click();
    await guidePage.expectShown('informations-rgpd', 'Informations RGPD');
    // Following a link closes the panel.
    await expect(shell.guidePanel).toBeHidden();
    const body = guidePage.root;
    for (const topic of [
      'argon2id',
      'chaîné par empreintes',
      'WAL',
      'santé et prévoyance',
      'jamais utilisé pour rechercher',
      'code postal et la ville sont gardés',
      'HMAC',
      'JSON',
      'CSV',
      'HTML',
      'registre',
      '3 ans',
    ]) {
      await expect(body, `the guide speaks of "${topic}"`).toContainText(topic);
    }
    await expect(body.locator('table')).toBeVisible();
    await fullPageShot(page, 'guide-informations-rgpd.png');

    // Every guide, reached from the bulb.
    for (const g of GUIDES.slice(1)) {
      await shell.openGuides();
      await shell.guideLink(g.slug).click();
      await guidePage.expectShown(g.slug, g.title);
    }
    await fullPageShot(page, 'guide-supprimer.png');

    await page.goto('/guides/modele-cgu');
    await guidePage.expectShown('modele-cgu', 'Modèle de CGU pour les formulaires web');
    for (const topic of ['conseil spécialisé', 'CNIL', 'portabilité', 'Cookies', '3 ans', 'opposition']) {
      await expect(guidePage.root).toContainText(topic);
    }
  });

  test('au clavier : Entrée ouvre, Échap ferme et rend le focus', async ({ page, shell, guidePage }) => {
    await page.goto('/contacts');
    await shell.guideButton.focus();
    await page.keyboard.press('Enter');
    await expect(shell.guidePanel).toBeVisible();
    await expect(shell.guideButton).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Escape');
    await expect(shell.guidePanel).toBeHidden();
    await expect(shell.guideButton).toBeFocused();
    await expect(shell.guideButton).toHaveAttribute('aria-expanded', 'false');

    // Tab from the button reaches the first guide, and the focus is visible.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const first = shell.guideLink('informations-rgpd');
    await expect(first).toBeFocused();
    const outline = await first.evaluate((e) => getComputedStyle(e).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await guidePage.expectShown('informations-rgpd', 'Informations RGPD');

    // A click elsewhere closes the panel too.
    await shell.openGuides();
    await guidePage.title.click();
    await expect(shell.guidePanel).toBeHidden();
  });

  test('une adresse de guide inconnue le dit', async ({ page, guidePage }) => {
    await page.goto('/guides/nexiste-pas');
    await expect(guidePage.root).toBeVisible();
    await expect(guidePage.title).toHaveText('Guide introuvable');
  });
});
