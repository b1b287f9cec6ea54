import { expect, test } from '@playwright/test';
import { Shell } from './pages/shell';

const run = Date.now().toString(36);

test.describe('money and supply', () => {
  test('a warehouse user orders a backordered product from its suggestion, receives it, and the waiting order becomes shippable', async ({ page }) => {
    test.setTimeout(120_000);
    const shell = new Shell(page);
    const sku = `E2E-${run}`.toUpperCase();

    // An admin adds a product nobody has in stock and a supplier's price for it.
    await shell.signInAsAdmin();
    await shell.open('/products/new');
    await page.getByLabel('SKU').fill(sku);
    await page.getByLabel('Name', { exact: true }).fill(`Torque wrench ${run}`);
    await page.getByLabel('List price').fill('80.00');
    await page.getByLabel('Cost price').fill('40.00');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('product-name')).toHaveText(`Torque wrench ${run}`);
    await shell.open('/suppliers');
    await page.getByRole('link', { name: 'Nordwerk Tools GmbH' }).click();
    await expect(page).toHaveURL(/\/suppliers\/\d+$/);
    await shell.waitForHydration();
    const priceForm = page.getByTestId('price-form');
    await priceForm.getByLabel('SKU').fill(sku);
    await priceForm.getByLabel('Price').fill('38.50');
    await priceForm.getByLabel('Minimum quantity').fill('1');
    await priceForm.getByRole('button', { name: 'Set price' }).click();
    await expect(page.getByTestId('supplier-prices')).toContainText(sku);
    await shell.signOut();

    // A sales user takes an order for 4; all 4 are backordered.
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');
    await shell.open('/customers/new');
    await page.getByLabel('Name', { exact: true }).fill(`Waiting Works ${run}`);
    await page.getByRole('button', { name: 'Save customer' }).click();
    await shell.waitForHydration();
    await page.getByRole('link', { name: 'New quote' }).click();
    await shell.waitForHydration();
    await page.getByLabel('Add a product').fill(sku);
    await page.getByTestId('offers').getByRole('button', { name: new RegExp(sku) }).click();
    await page.getByLabel(`Quantity ${sku}`).fill('4');
    await page.getByLabel(`Quantity ${sku}`).press('Tab');
    await page.getByRole('button', { name: 'Save quote' }).click();
    await expect(page).toHaveURL(/\/orders\/\d+$/);
    const orderUrl = new URL(page.url()).pathname;
    await shell.waitForHydration();
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('order-state')).toHaveText('Confirmed');
    const orderLines = page.getByTestId('order-lines');
    await expect(orderLines.locator(`tr[data-sku="${sku}"] [data-col="backordered"]`)).toHaveText('4');
    const number = (await page.getByTestId('order-number').textContent())!.trim();
    await shell.signOut();

    // The warehouse sees the suggestion, orders it, sends and receives the purchase order.
    await shell.signIn('warehouse@demo.tandem.test', 'demo-warehouse-pass');
    await shell.open('/replenishment');
    const row = page.getByTestId('suggestions').locator(`tr[data-sku="${sku}"]`);
    await expect(row).toContainText('Backorders');
    await expect(row).toContainText('Nordwerk Tools GmbH');
    await expect(row.getByLabel(`Quantity to order ${sku}`)).toHaveValue('4');
    await row.getByLabel(`Order ${sku}`, { exact: true }).check();
    await page.getByTestId('create-pos').click();
    const created = page.getByTestId('created-pos');
    await expect(created).toContainText('PO-');
    await created.getByRole('link').first().click();
    await expect(page).toHaveURL(/\/purchase-orders\/\d+$/);
    await shell.waitForHydration();
    await expect(page.getByTestId('po-state')).toHaveText('Draft');
    await expect(page.getByTestId('po-lines')).toContainText(sku);
    await page.getByTestId('po-send').click();
    await expect(page.getByTestId('po-state')).toHaveText('Sent');
    await page.getByTestId('po-receive').click();
    await expect(page.getByTestId('po-state')).toHaveText('Received');
    await expect(page.getByTestId('reserved-for')).toContainText(`${number} (4)`);

    // The waiting order is fully reserved now, and ships.
    await shell.open(orderUrl);
    await expect(orderLines.locator(`tr[data-sku="${sku}"] [data-col="reserved"]`)).toHaveText('4');
    await expect(orderLines.locator(`tr[data-sku="${sku}"] [data-col="backordered"]`)).toHaveText(/^0?$/);
    await page.getByTestId('create-shipment').getByRole('button', { name: 'Create shipment' }).click();
    await expect(page).toHaveURL(/\/shipments\/\d+$/);
    await shell.waitForHydration();
    await page.getByLabel('Carrier').fill('DHL');
    await page.getByRole('button', { name: 'Mark shipped' }).first().click();
    await expect(page.getByTestId('shipment-state')).toHaveText('Shipped');
    await shell.open(orderUrl);
    await expect(page.getByTestId('order-state')).toHaveText('Shipped');
    expect(shell.consoleErrors).toEqual([]);
  });

  test('a sales user sees a customer overdue invoice flagged on the customer page, and a manager records its payment', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');
    await shell.open('/invoices?state=overdue');
    const table = page.getByTestId('invoices');
    const first = table.locator('tbody tr').first();
    await expect(first.locator('[data-state="overdue"]')).toHaveText('Overdue');
    const invoiceNumber = (await first.locator('code').textContent())!.trim();
    const customer = (await first.locator('td').nth(1).textContent())!.trim();
    await first.getByRole('link').click();
    await expect(page).toHaveURL(/\/invoices\/\d+$/);
    const invoiceUrl = new URL(page.url()).pathname;
    await shell.waitForHydration();
    await expect(page.getByTestId('invoice-number')).toHaveText(invoiceNumber);
    await expect(page.getByTestId('invoice-state')).toHaveText('Overdue');
    // Sales read invoices but do not record payments.
    await expect(page.getByTestId('pay-form')).toHaveCount(0);
    await page.getByRole('link', { name: customer }).click();
    await expect(page).toHaveURL(/\/customers\/\d+$/);
    await shell.waitForHydration();
    await expect(page.getByTestId('overdue-flag')).toContainText('Overdue invoices');
    await page.getByTestId('overdue-flag').getByRole('link').click();
    await expect(page.getByTestId('aging')).toContainText(customer);
    await expect(page.getByTestId('invoices')).toContainText(invoiceNumber);
    expect(shell.consoleErrors).toEqual([]);
    await shell.signOut();

    // A manager records the payment in full; the invoice is paid.
    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');
    await shell.open(invoiceUrl);
    const owed = (await page.getByTestId('owed').textContent())!.trim();
    const form = page.getByTestId('pay-form');
    await expect(form.getByLabel('Amount', { exact: true })).toHaveValue(owed.replace(/,/g, ''));
    // More than owed is refused with a clear message.
    await form.getByLabel('Amount', { exact: true }).fill('99999999');
    await form.getByRole('button', { name: 'Record payment' }).click();
    await expect(form.locator('[data-field="amount"]')).toContainText('more than the invoice still owes');
    await form.getByLabel('Amount', { exact: true }).fill(owed);
    await form.getByLabel('Reference').fill(`E2E-${run}`);
    await form.getByRole('button', { name: 'Record payment' }).click();
    await expect(page.getByTestId('invoice-state')).toHaveText('Paid');
    await expect(page.getByTestId('payments')).toContainText(`E2E-${run}`);
    await expect(page.getByTestId('owed')).toHaveText('0.00');
  });
});
