import { expect, test } from '@playwright/test';
import { Shell } from './pages/shell';

const run = Date.now().toString(36);

test.describe('crm', () => {
  test('a sales user turns a lead into a won deal that shows on the customer timeline, and a colleague cannot see it', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');

    // A new lead.
    const company = `Northwind ${run}`;
    await shell.open('/leads/new');
    await page.getByLabel('Name', { exact: true }).fill(`Pat Lee ${run}`);
    await page.getByLabel('Company', { exact: true }).fill(company);
    await page.getByLabel('Email', { exact: true }).fill(`pat-${run}@northwind.example`);
    await page.getByLabel('Source').selectOption('referral');
    await page.getByRole('button', { name: 'Save lead' }).click();
    await expect(page.getByTestId('lead-status')).toHaveText('New');
    await shell.waitForHydration();

    // Qualified, then converted in one step.
    await page.getByRole('button', { name: 'Qualify', exact: true }).click();
    await expect(page.getByTestId('lead-status')).toHaveText('Qualified');
    const deal = `Pilot ${run}`;
    const convert = page.getByTestId('convert-form');
    await convert.getByLabel('Opportunity title').fill(deal);
    await convert.getByLabel('Amount').fill('12500');
    await convert.getByLabel('Expected close').fill('2027-01-15');
    await convert.getByRole('button', { name: 'Convert' }).click();
    await expect(page).toHaveURL(/\/opportunities\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(deal);
    await expect(page.getByTestId('opportunity-stage')).toHaveText('Prospecting');
    const customerLink = page.getByRole('link', { name: company });
    const customerUrl = await customerLink.getAttribute('href');
    expect(customerUrl).toMatch(/^\/customers\/\d+$/);

    // On the board (large enough to show every column and card, so the drag
    // needs no scrolling): one stage on by
    // keyboard, then dragged to Won.
    await page.setViewportSize({ width: 1920, height: 4000 });
    await shell.open('/opportunities');
    const card = page.getByTestId('card').filter({ hasText: deal });
    await expect(card).toHaveCount(1);
    // By keyboard: the arrow key only chooses the stage, the button moves
    // the card, and the focus follows that card to its new column.
    await card.getByLabel('Move to').focus();
    await page.keyboard.press('ArrowDown');
    await expect(card.getByTestId('move-card')).toBeEnabled();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const qualification = page.locator('.board-column[data-stage="Qualification"]');
    const moved = qualification.getByTestId('card').filter({ hasText: deal });
    await expect(moved).toHaveCount(1);
    await expect(moved.getByLabel('Move to')).toBeFocused();
    await expect(moved.getByLabel('Move to').locator('option:checked')).toHaveText('Qualification');
    // A further arrow key chooses again on the same card and moves nothing.
    await page.keyboard.press('ArrowDown');
    await expect(moved.getByLabel('Move to').locator('option:checked')).toHaveText('Proposal');
    await expect(moved).toHaveCount(1);
    const won = page.locator('.board-column[data-stage="Won"]');
    await qualification.getByTestId('card').filter({ hasText: deal }).dragTo(won, { sourcePosition: { x: 4, y: 4 }, targetPosition: { x: 20, y: 20 } });
    await expect(won.getByTestId('card').filter({ hasText: deal })).toHaveCount(1);

    // The customer's timeline tells the story.
    await shell.open(customerUrl!);
    const timeline = page.getByTestId('timeline');
    await expect(timeline.locator('[data-kind="opportunity.won"]')).toContainText(deal);
    await expect(timeline.locator('[data-kind="lead.converted"]')).toContainText(`Pat Lee ${run}`);
    await expect(page.getByTestId('won-amount')).toHaveText('12,500.00');
    expect(shell.consoleErrors).toEqual([]);

    // Another sales user sees none of it.
    await shell.signOut();
    const other = new Shell(page);
    await other.signIn('mei@demo.tandem.test', 'demo-sales-pass');
    other.expectedMissing.push(customerUrl!, '/api/customers/get', '/api/customers/overview', '/api/customers/timeline');
    await page.goto(`${page.url().replace(/\/[^/]*$/, '')}${customerUrl}`);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await other.open(`/customers?q=${encodeURIComponent('northwind ' + run)}`);
    await expect(page.getByTestId('customer-count')).toHaveText(/^0 /);
    await other.open('/opportunities/list?q=' + encodeURIComponent(run));
    await expect(page.getByRole('link', { name: deal })).toHaveCount(0);
    await other.open('/leads?q=' + encodeURIComponent('pat lee'));
    await expect(page.getByRole('link', { name: `Pat Lee ${run}` })).toHaveCount(0);
  });

  test('a manager sees the weighted forecast and the day of activities works by keyboard at phone width', async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    const shell = new Shell(page);
    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');
    await shell.open('/opportunities/forecast?whose=all');
    await expect(page.getByTestId('forecast').locator('tbody tr').first()).toBeVisible();
    await shell.open('/activities');
    await expect(page.getByTestId('my-day')).toBeVisible();
    await shell.open('/campaigns');
    await expect(page.getByTestId('campaigns')).toContainText('Spring trade fair');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    expect(shell.consoleErrors).toEqual([]);
  });
});
