import { expect, test } from '@playwright/test';
import { baseUrl, Shell } from './pages/shell';

// Unique data per run, so the test can be repeated against the same server.
const run = Date.now().toString(36);

test.describe('identity and access', () => {
  test('an admin creates a role and a user holding it; that user sees only what the role allows', async ({ page }) => {
    // The suite's first test meets a cold server and browser cache (seen
    // to take over 30 s right after a fresh build).
    test.setTimeout(90_000);
    const shell = new Shell(page);
    await shell.signInAsAdmin();

    // A new role with two permissions.
    const roleName = `Sales lead ${run}`;
    await shell.open('/admin/roles');
    await page.getByLabel('Name').fill(roleName);
    await page.getByLabel('Description').fill('Leads the sales team');
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByTestId('role-name')).toHaveText(roleName);
    await shell.waitForHydration();
    const matrix = page.getByTestId('permission-matrix');
    await matrix.locator('[data-permission="customers.read"]').check();
    await matrix.locator('[data-permission="customers.read_all"]').check();
    await matrix.getByRole('button', { name: 'Save permissions' }).click();
    await expect(matrix.getByText('Saved.')).toBeVisible();

    // A user holding it, with a password we choose; the name tries to inject a script.
    const email = `lead-${run}@example.com`;
    const name = `<script>alert(1)</script> Lead ${run}`;
    const password = `lead-pass-${run}-x`;
    await shell.open('/admin/users/new');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password (leave empty to generate one)').fill(password);
    await page.getByLabel(roleName).check();
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByTestId('user-created')).toBeVisible();

    // The name is shown as text in the users list.
    let dialogs = 0;
    page.on('dialog', async (dialog) => {
      dialogs += 1;
      await dialog.dismiss();
    });
    await shell.open(`/admin/users?q=${encodeURIComponent(run)}`);
    await expect(page.getByRole('link', { name })).toBeVisible();

    // Nobody changes their own roles: on their own user the form shows them disabled, with the reason.
    await shell.open(`/admin/users?q=${encodeURIComponent('admin@localhost')}`);
    await page.getByRole('table').getByRole('link').first().click();
    const ownRoles = page.getByRole('group', { name: 'Roles' });
    await expect(ownRoles.getByLabel('Admin', { exact: true })).toBeDisabled();
    await expect(ownRoles.getByTestId('withheld-hint')).toContainText('You cannot change your own roles');
    await shell.signOut();

    // The new user sees only the permitted area.
    await shell.signIn(email, password);
    await expect(shell.accountLink).toHaveText(name);
    await expect(shell.navLink('Customers')).toBeVisible();
    for (const hidden of ['Sales', 'Inventory', 'Purchasing', 'Service', 'Dashboards', 'Admin']) {
      await expect(shell.navLink(hidden)).toHaveCount(0);
    }
    const response = await page.goto(`${baseUrl()}/admin/users`);
    expect(response?.status()).toBe(403);
    await expect(page.getByTestId('forbidden')).toBeVisible();
    await shell.open('/account');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('My account');
    expect(dialogs).toBe(0);
    shell.expectedMissing.push('/admin/users');
    expect(shell.consoleErrors.filter((e) => !e.includes('403'))).toEqual([]);
  });

  test('a wrong password shows one clear message and no other', async ({ page }) => {
    const shell = new Shell(page);
    await shell.open('/login');
    await page.getByLabel('Email').fill('admin@localhost');
    await page.getByLabel('Password').fill('definitely-wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText(
      'The email or password is wrong, or the account is locked for a while after repeated failures.',
    );
    await expect(page).toHaveURL(/\/login/);
  });
});
