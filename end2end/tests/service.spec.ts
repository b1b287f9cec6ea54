import { expect, test } from '@playwright/test';
import { Shell } from './pages/shell';

const run = Date.now().toString(36);

test.describe('customer service', () => {
  test('a visitor asks for help, support links the order, sees its tracking, takes the goods back with a credit note, and the customer timeline shows it', async ({ page }) => {
    test.setTimeout(150_000);
    const shell = new Shell(page);

    // Find a demo customer with an unpaid invoice: its email and order number.
    await shell.signIn('support@demo.tandem.test', 'demo-support-pass');
    await shell.open('/invoices?state=open');
    await page.getByTestId('invoices').locator('tbody tr a').first().click();
    await expect(page).toHaveURL(/\/invoices\/\d+$/);
    await shell.waitForHydration();
    const orderNumber = (await page.locator('a[href^="/orders/"] code').first().textContent())!.trim();
    const customerHref = (await page.locator('a[href^="/customers/"]').first().getAttribute('href'))!;
    await shell.open(`${customerHref}?tab=contacts`);
    const email = (await page.locator('dt:text-is("Email") + dd').first().textContent())!.trim();
    expect(email).toContain('@');
    await shell.signOut();

    // The visitor writes in through the public form (no sign-in).
    await shell.open('/support');
    await page.getByLabel('Your name').fill(`Pat ${run}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Order number (optional)').fill(orderNumber);
    await page.getByLabel('Subject').fill(`Broken item ${run}`);
    await page.getByLabel('Description').fill('One item arrived broken; I want to return goods and get a refund.');
    await page.getByRole('button', { name: 'Send request' }).click();
    const number = (await page.getByTestId('support-number').textContent())!.trim();
    expect(number).toMatch(/^TCK-/);

    // Support picks it up, makes it a return and links the order from the panel.
    await shell.signIn('support@demo.tandem.test', 'demo-support-pass');
    await shell.open(`/tickets?view=all&q=${number}`);
    await page.getByRole('link', { name: number }).click();
    await expect(page).toHaveURL(/\/tickets\/\d+$/);
    await shell.waitForHydration();
    await expect(page.getByTestId('ticket-order')).toContainText(orderNumber);
    await expect(page.getByTestId('panel-shipments').getByTestId('tracking').first()).not.toBeEmpty();
    const edit = page.getByTestId('edit-ticket-form');
    await edit.getByLabel('Kind').selectOption('return');
    await edit.getByRole('button', { name: 'Save' }).click();
    const returnForm = page.getByTestId('return-form');
    await expect(returnForm).toBeVisible();
    await expect(returnForm).toContainText(orderNumber);
    // Return one unit of the first line that can still come back.
    const labels = returnForm.locator('label[for^="ret-qty-"]');
    const count = await labels.count();
    let field = '';
    for (let i = 0; i < count; i++) {
      const text = (await labels.nth(i).textContent()) ?? '';
      const left = Number(/returnable:\s*(\d+)/.exec(text)?.[1] ?? '0');
      if (left > 0) {
        field = (await labels.nth(i).getAttribute('for'))!;
        break;
      }
    }
    expect(field).not.toBe('');
    await page.locator(`#${field}`).fill('1');
    await page.locator(`#${field}`).press('Tab');
    await returnForm.getByLabel('Reason').fill('Broken on arrival');
    await returnForm.getByRole('button', { name: 'Request return' }).click();
    await expect(page.getByTestId('returns')).toContainText('Requested');

    // Approving restocks and credits; a reply answers the customer; resolving makes the rating link.
    await page.getByTestId('approve-return').click();
    await expect(page.getByTestId('returns')).toContainText('Approved');
    await expect(page.getByTestId('ticket-credit-note')).toContainText('CN-');
    await expect(page.getByTestId('panel-orders')).toContainText(/returned [1-9]/);
    await page.getByLabel('Reply or note').fill('We have taken the item back and credited you.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('comments')).toContainText('credited you');
    await page.getByTestId('status-resolved').click();
    await expect(page.getByTestId('ticket-status')).toHaveText('Resolved');
    const ratingLink = (await page.getByTestId('rating-link').getAttribute('href'))!;
    await shell.signOut();

    // The customer rates once; the manager sees the whole story on the customer's timeline and the stock move.
    await shell.open(ratingLink);
    await page.getByLabel('5', { exact: true }).check();
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('rated')).toBeVisible();
    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');
    await shell.open(`${customerHref}?tab=timeline`);
    await expect(page.getByText('Return received').first()).toBeVisible();
    await expect(page.getByText('Ticket opened').first()).toBeVisible();
    await shell.signOut();
  });

  test('the help centre and the support form work without signing in and say what is wrong', async ({ page }) => {
    const shell = new Shell(page);
    await shell.open('/help');
    await expect(page.getByTestId('articles')).toContainText('How to return goods');
    await page.getByRole('link', { name: 'How to return goods' }).click();
    await expect(page.getByTestId('article-title')).toHaveText('How to return goods');
    await expect(page.locator('.article-body strong').first()).toBeVisible();
    await shell.open('/support');
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page.getByText('Enter a name.')).toBeVisible();
    await expect(page.getByText('Describe what you need.')).toBeVisible();
    await page.getByLabel('Subject').fill('How do I return goods?');
    await page.getByLabel('Description').fill('I want to return goods I ordered.');
    await expect(page.getByTestId('related-articles')).toContainText('How to return goods');
  });
});
