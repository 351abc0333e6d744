// Journey (issue 3, Acceptance): switching to English changes the interface; French is
// the default and the choice survives a reload.
import { USERS, apiLogIn, expect, screenshotPath, test } from './fixtures';

test.describe('langue', () => {
  test("passer en anglais change l'interface, et le choix est gardé", async ({
    page,
    shell,
    contactsList,
    guidePage,
  }) => {
    await apiLogIn(page, USERS.admin);
    await page.goto('/contacts');
    await contactsList.expectLoaded();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(shell.navProjects).toHaveText('Projets');
    await expect(shell.navContacts).toHaveText('Contacts');
    await expect(shell.navTasks).toHaveText('Tâches');

    await shell.langSwitch.click();
    await expect(shell.navProjects).toHaveText('Projects');
    await expect(shell.navTasks).toHaveText('Tasks');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // The role label and the guides follow.
    await expect(shell.userRole).toHaveText('Administrator');
    await shell.openGuides();
    await expect(shell.guideLink('informations-rgpd')).toContainText('GDPR information');
    await shell.guideLink('informations-rgpd').click();
    await guidePage.expectShown('informations-rgpd', 'GDPR information');
    await expect(guidePage.root).toContainText('hash-chained');
    await page.screenshot({ path: screenshotPath('guide-informations-rgpd-en.png') });

    await page.reload();
    await expect(shell.navProjects).toHaveText('Projects');
    await expect(guidePage.title).toHaveText('GDPR information');

    await shell.langSwitch.click();
    await expect(shell.navProjects).toHaveText('Projets');
    await expect(guidePage.title).toHaveText('Informations RGPD');
  });
});
