import { expect, test } from '@playwright/test';
import { Shell } from './pages/shell';

const run = Date.now().toString(36);

test.describe('erp', () => {
  test('a quote taken on a customer page reserves stock, the warehouse ships part of it, and the customer page shows it', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');

    // A new customer, and a quote started from its page.
    const name = `Globex ${run}`;
    await shell.open('/customers/new');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect(page.getByTestId('customer-name')).toHaveText(name);
    await shell.waitForHydration();
    const customerUrl = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'New quote' }).click();
    await expect(page).toHaveURL(/\/orders\/new\?customer=\d+$/);
    await shell.waitForHydration();
    await expect(page.getByTestId('quote-customer')).toHaveText(name);
    // The quote ships from the company's default warehouse, where the stock is.
    await expect(page.locator('#quote-warehouse option:checked')).toContainText('MAIN');

    // Saving without lines says why; the message goes once a line is added.
    await page.getByRole('button', { name: 'Save quote' }).click();
    const noLines = page.locator('.field-error[data-field="lines"]');
    await expect(noLines).toHaveText('Add at least one line.');
    // The browser logs that refused save (422); it is the point of this step.
    shell.consoleErrors.splice(0, shell.consoleErrors.length);

    // Products found as you type, with their availability; a scarce one ordered beyond stock.
    const search = page.getByLabel('Add a product');
    await search.fill('Cordless');
    await page.getByTestId('offers').getByRole('button', { name: /TLS-001/ }).click();
    await search.fill('TLS-005');
    await page.getByTestId('offers').getByRole('button', { name: /TLS-005/ }).click();
    const lines = page.getByTestId('quote-lines');
    await expect(lines.locator('tbody tr')).toHaveCount(2);
    await expect(noLines).toHaveCount(0);
    await page.getByLabel('Quantity TLS-001').fill('3');
    await page.getByLabel('Quantity TLS-001').press('Tab');
    await page.getByLabel('Quantity TLS-005').fill('5000');
    await page.getByLabel('Quantity TLS-005').press('Tab');
    // 3 × 129.00 + 5000 × 21.90 at 19 % tax, rounded per line.
    const totals = page.getByTestId('quote-totals');
    await expect(totals.locator('[data-col="subtotal"]')).toHaveText('109,887.00');
    await expect(totals.locator('[data-col="tax"]')).toHaveText('20,878.53');
    await expect(totals.locator('[data-col="total"]')).toHaveText('130,765.53');
    await expect(lines.locator('tr[data-sku="TLS-001"] [data-col="net"]')).toHaveText('387.00');
    await page.getByRole('button', { name: 'Save quote' }).click();
    await expect(page).toHaveURL(/\/orders\/\d+$/);
    const orderUrl = new URL(page.url()).pathname;
    await expect(page.getByTestId('order-state')).toHaveText('Quote');
    await shell.waitForHydration();

    // Confirming reserves what is there and shows the rest as backordered.
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('order-state')).toHaveText('Confirmed');
    const orderLines = page.getByTestId('order-lines');
    await expect(orderLines.locator('tr[data-sku="TLS-001"] [data-col="reserved"]')).toHaveText('3');
    await expect(orderLines.locator('tr[data-sku="TLS-005"] [data-col="backordered"]')).not.toBeEmpty();
    const number = (await page.getByTestId('order-number').textContent())!.trim();
    expect(number).toMatch(/^SO-\d{4}-\d{6}$/);
    // Sales never see cost prices, not even on the product page.
    await shell.open('/products?q=TLS-001');
    await page.getByRole('link', { name: 'Cordless drill 18 V' }).click();
    await expect(page.getByTestId('product-name')).toHaveText('Cordless drill 18 V');
    await expect(page.getByTestId('cost-price')).toHaveCount(0);
    expect(shell.consoleErrors).toEqual([]);
    await shell.signOut();

    // The warehouse picks what is reserved and ships it.
    await shell.signIn('warehouse@demo.tandem.test', 'demo-warehouse-pass');
    await shell.open('/shipments');
    await expect(page.getByTestId('to-ship')).toContainText(number);
    await shell.open(orderUrl);
    const create = page.getByTestId('create-shipment');
    await create.getByRole('button', { name: 'Create shipment' }).click();
    await expect(page).toHaveURL(/\/shipments\/\d+$/);
    await shell.waitForHydration();
    await expect(page.getByTestId('pick-lines')).toContainText('TLS-001');
    await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
    await page.getByLabel('Carrier').fill('DHL');
    await page.getByLabel('Tracking number').fill(`JD${run}`);
    await page.getByRole('button', { name: 'Mark shipped' }).first().click();
    await expect(page.getByTestId('shipment-state')).toHaveText('Shipped');
    await expect(page.getByTestId('shipped-with')).toContainText(`JD${run}`);
    await shell.open(orderUrl);
    await expect(page.getByTestId('order-state')).toHaveText('Partially shipped');
    await expect(page.getByTestId('order-history')).toContainText(`JD${run}`);
    // The warehouse sees what things cost.
    await shell.open('/products?q=TLS-001');
    await page.getByRole('link', { name: 'Cordless drill 18 V' }).click();
    await expect(page.getByTestId('cost-price')).toBeVisible();
    expect(shell.consoleErrors).toEqual([]);
    await shell.signOut();

    // Back on the customer's page: the order and its tracking, and the exposure.
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');
    await shell.open(customerUrl);
    const timeline = page.getByTestId('timeline');
    await expect(timeline.locator('[data-kind="shipment.shipped"]')).toContainText(`JD${run}`);
    await expect(timeline.locator('[data-kind="order.confirmed_backorder"]')).toContainText(number);
    await expect(page.getByTestId('exposure')).toHaveText('130,765.53 EUR');
    await expect(page.getByTestId('open-orders')).toHaveText('1');
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await expect(page.getByTestId('orders')).toContainText(number);
    expect(shell.consoleErrors).toEqual([]);
  });

  test('a sales user cannot confirm past the credit limit; a manager approves and the approval is recorded', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');
    const name = `Initech ${run}`;
    await shell.open('/customers/new');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Credit limit').fill('100.00');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect(page.getByTestId('customer-name')).toHaveText(name);
    await shell.waitForHydration();
    await page.getByRole('link', { name: 'New quote' }).click();
    await shell.waitForHydration();
    await page.getByLabel('Add a product').fill('Cordless');
    await page.getByTestId('offers').getByRole('button', { name: /TLS-001/ }).click();
    await expect(page.getByTestId('quote-totals').locator('[data-col="total"]')).toHaveText('153.51');
    await page.getByRole('button', { name: 'Save quote' }).click();
    await expect(page).toHaveURL(/\/orders\/\d+$/);
    const orderUrl = new URL(page.url()).pathname;
    await shell.waitForHydration();
    shell.expectedMissing.push('/api/orders/confirm');
    await page.getByTestId('confirm').click();
    await expect(page.getByRole('alert')).toContainText('needs approval');
    await expect(page.getByTestId('order-state')).toHaveText('Quote');
    await shell.signOut();

    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');
    await shell.open('/orders?state=approval');
    await page.getByRole('link', { name: new RegExp(`^SO-`) }).first().waitFor();
    await shell.open(orderUrl);
    await expect(page.getByTestId('approval-needed')).toContainText('credit limit');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByTestId('approved-by')).toContainText('Demo Manager');
    await shell.signOut();

    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');
    await shell.open(orderUrl);
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('order-state')).toHaveText('Confirmed');
  });
});
