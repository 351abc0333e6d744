// Journey: logging in and out (demo cabinet).
import { ADMIN, expect, screenshotPath, test } from './fixtures';

test.describe('connexion', () => {
  test("l'administrateur se connecte, voit son nom et reste connecté après un rechargement", async ({
    page,
    loginPage,
    shell,
  }) => {
    await page.goto('/');
    // No session yet: the app sends us to the login page.
    await loginPage.expectShown();
    await page.screenshot({ path: screenshotPath('login.png') });

    const response = await loginPage.logIn(ADMIN.email, ADMIN.password);
    expect(response.status()).toBe(200);
    // The CSRF header of API.md's unsafe methods.
    expect(response.request().headers()['x-oubli-request']).toBe('1');
    const user = await response.json();
    expect(user.email).toBe(ADMIN.email);
    expect(typeof user.name).toBe('string');
    expect(user.name.trim()).not.toBe('');

    await expect(page).toHaveURL(/\/(contacts)?$/);
    await expect(shell.userName).toHaveText(user.name);
    await expect(shell.cabinetName).toHaveText(user.cabinet_name);
    await expect(shell.userRole).toHaveText('Administrateur');
    await expect(shell.guideButton).toBeVisible();
    await expect(shell.logoutButton).toBeVisible();

    // The cookie session is the one the API sees.
    const me = await page.request.get('/api/v1/me');
    expect(me.status()).toBe(200);
    expect((await me.json()).name).toBe(user.name);

    await page.screenshot({ path: screenshotPath('home.png') });

    await shell.guideButton.click();
    await expect(shell.guidePanel).toBeVisible();
    await page.screenshot({ path: screenshotPath('home-guides.png') });
    await page.keyboard.press('Escape');
    await expect(shell.guidePanel).toBeHidden();

    // At start the app asks GET /me and skips the login page.
    await page.reload();
    await expect(shell.userName).toHaveText(user.name);
    await expect(page).toHaveURL(/\/(contacts)?$/);
  });

  test('un mauvais mot de passe affiche une erreur en français', async ({ page, loginPage }) => {
    await loginPage.goto();
    const response = await loginPage.logIn(ADMIN.email, 'pas-le-bon-mot-de-passe');
    expect(response.status()).toBe(401);
    const body = await response.json();

    await expect(loginPage.error).toBeVisible();
    // The server's own French message (API.md: "French, human readable"), not a code.
    await expect(loginPage.error).toHaveText(body.error.message);
    await expect(loginPage.error).not.toHaveText(body.error.code);
    await expect(loginPage.password).toHaveValue('');
    await expect(loginPage.password).toBeFocused();
    await expect(page).toHaveURL(/\/login$/);
    await page.screenshot({ path: screenshotPath('login-error.png') });
  });

  test("une adresse email invalide est refusée avant tout appel au serveur", async ({
    page,
    loginPage,
  }) => {
    await loginPage.goto();
    let posted = false;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/session') && r.method() === 'POST') posted = true;
    });

    await loginPage.submit.click();
    await expect(loginPage.emailError).toHaveText('Saisissez votre adresse email.');
    await expect(loginPage.passwordError).toHaveText('Saisissez votre mot de passe.');

    await loginPage.fill('alice@', 'demo1234');
    await loginPage.submit.click();
    await expect(loginPage.emailError).toBeVisible();
    await expect(loginPage.emailError).not.toHaveText('');
    await expect(loginPage.email).toHaveAttribute('aria-invalid', 'true');
    expect(posted).toBe(false);
  });

  test('la déconnexion ramène à la page de connexion et ferme la session', async ({
    page,
    loginPage,
    shell,
  }) => {
    await loginPage.goto();
    await loginPage.logIn(ADMIN.email, ADMIN.password);
    await expect(shell.userName).toBeVisible();

    await shell.logout();
    await loginPage.expectShown();

    expect((await page.request.get('/api/v1/me')).status()).toBe(401);
    await page.goto('/');
    await loginPage.expectShown();
  });

  test('une adresse inconnue affiche « Page introuvable »', async ({ page }) => {
    await page.goto('/nimporte-quoi');
    await expect(page.getByRole('heading', { name: 'Page introuvable' })).toBeVisible();
  });
});
