import { expect, test } from '@playwright/test';
import { baseUrl, Shell } from './pages/shell';

test.describe('app shell', () => {
  test('pages are rendered on the server, before any script runs', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    // Anonymous visitors are sent to the sign-in page by the server itself.
    const response = await page.goto(`${baseUrl()}/`);
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(/\/login\?next=\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
    await expect(page.getByLabel('Email')).toBeVisible();
    await expect(page.getByRole('main')).toBeVisible();
    // Nothing hydrated without JavaScript.
    await expect(page.locator('html[data-hydrated]')).toHaveCount(0);
    await context.close();
  });

  test('hydration makes the page interactive without a reload', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Tandem');
    // A value that survives only if the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    const status = page.getByTestId('system-status');
    await expect(status.getByText('Answering')).toBeVisible();
    await expect(page.getByTestId('status-checks')).toHaveText('1');
    await status.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByTestId('status-checks')).toHaveText('2');
    await expect(status.getByText('Answering')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
    expect(shell.consoleErrors).toEqual([]);
  });

  test('the language switch turns the shell into Chinese and back, and the choice persists', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await expect(shell.navLink('Customers')).toBeVisible();

    await shell.chooseLanguage('zh');
    await expect(shell.navLink('客户')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('欢迎使用 Tandem');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh');

    // The choice survives a reload: the server renders Chinese from the start.
    await page.reload();
    await shell.waitForHydration();
    await expect(shell.navLink('客户')).toBeVisible();
    await expect(shell.language).toHaveValue('zh');

    await shell.chooseLanguage('en');
    await expect(shell.navLink('Customers')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Tandem');
    expect(shell.consoleErrors).toEqual([]);
  });

  test('a Chinese browser gets the Chinese shell on its first visit', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const shell = new Shell(page);
    await shell.open('/login');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
    await expect(shell.language).toHaveValue('zh');
    expect(shell.consoleErrors).toEqual([]);
    await context.close();
  });

  test('at 375 px the navigation collapses behind a menu button that works by keyboard', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await expect(shell.navToggle).toBeVisible();
    await expect(shell.navToggle).toHaveAttribute('aria-expanded', 'false');
    await expect(shell.nav).toBeHidden();

    await shell.navToggle.focus();
    await page.keyboard.press('Enter');
    await expect(shell.navToggle).toHaveAttribute('aria-expanded', 'true');
    await expect(shell.nav).toBeVisible();

    // Following a link closes the drawer and lands on the area page.
    await shell.navLink('Inventory').click();
    await expect(page).toHaveURL(/\/products$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Products');
    await expect(shell.nav).toBeHidden();
    // Nothing overflows sideways at this width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(shell.consoleErrors).toEqual([]);
    await context.close();
  });

  test('on a desktop the navigation is always visible and marks the current page', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await shell.open('/shipments');
    await expect(shell.navToggle).toBeHidden();
    await expect(shell.nav).toBeVisible();
    await expect(shell.navLink('Sales')).toHaveAttribute('aria-current', 'page');
    await expect(shell.navLink('Home')).not.toHaveAttribute('aria-current', 'page');
    expect(shell.consoleErrors).toEqual([]);
  });

  test('an unknown address shows the styled 404 page with status 404', async ({ page }) => {
    const shell = new Shell(page);
    shell.expectedMissing.push('/no-such-page');
    const response = await page.goto(`${baseUrl()}/no-such-page`);
    expect(response?.status()).toBe(404);
    await shell.waitForHydration();
    await expect(page.getByTestId('not-found')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    expect(shell.consoleErrors).toEqual([]);
  });

  test('the skip link and every control are reachable by keyboard', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#main$/);
    // Every form control in the shell has a label.
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
        .filter((el) => !(el as HTMLInputElement).labels?.length)
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    expect(shell.consoleErrors).toEqual([]);
  });
});
