import { expect, test } from '@playwright/test';
import { Shell } from './pages/shell';

const run = Date.now().toString(36);

test.describe('customers', () => {
  test('a sales user creates a customer, is warned about a duplicate, and adds a contact', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');

    const name = `Acme Trading ${run}`;
    await shell.open('/customers/new');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Email', { exact: true }).fill(`buyer-${run}@acme.example`);
    await page.getByLabel('Phone', { exact: true }).fill('+49 30 1234567');
    await page.getByLabel('Credit limit').fill('2500.00');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect(page.getByTestId('customer-name')).toHaveText(name);
    await expect(page.getByText('2,500.00 EUR')).toBeVisible();
    await shell.waitForHydration();

    // A contact on the company, on the contacts tab.
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await expect(page).toHaveURL(/tab=contacts/);
    await page.getByLabel('Name', { exact: true }).fill('Chris Buyer');
    await page.getByLabel('Job title').fill('Purchasing');
    await page.getByLabel('Email', { exact: true }).fill(`chris-${run}@acme.example`);
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expect(page.getByTestId('contacts')).toContainText('Chris Buyer');

    // The same company typed again shows up as a likely duplicate before saving.
    await shell.open('/customers/new');
    await page.getByLabel('Name', { exact: true }).fill(`ACME Trading ${run} GmbH`);
    await page.getByLabel('Phone', { exact: true }).fill('030 1234567');
    await page.getByLabel('Phone', { exact: true }).blur();
    const duplicates = page.getByTestId('duplicates');
    await expect(duplicates).toContainText(name);
    await expect(duplicates).toContainText('same phone');
    await expect(duplicates).toContainText('similar name');

    // Bad input is refused field by field (the browser logs the 422 answer; that is expected).
    shell.expectedMissing.push('/api/customers/create');
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByLabel('Credit limit').fill('12.345');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect(page.locator('[data-field="email"]')).toBeVisible();
    await expect(page.locator('[data-field="credit_limit"]')).toBeVisible();

    // The list finds it.
    await shell.open(`/customers?q=${encodeURIComponent(`acme trading ${run}`)}`);
    await expect(page.getByRole('link', { name })).toBeVisible();
    expect(shell.consoleErrors).toEqual([]);
  });
});
