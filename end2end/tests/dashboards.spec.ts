import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Shell } from './pages/shell';

test.describe('dashboards', () => {
  test('the manager lands on the management board, its figures lead to the lists behind them, and the filters live in the URL', async ({ page }) => {
    test.setTimeout(120_000);
    const shell = new Shell(page);
    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');

    // Home shows the board of the user's role.
    const board = page.getByTestId('board');
    await expect(board).toHaveAttribute('data-kind', 'manager');
    const booked = page.getByTestId('tile-orders_booked').getByTestId('tile-value');
    const count = Number((await booked.textContent())!.replace(/,/g, ''));
    expect(count).toBeGreaterThan(0);
    await expect(page.getByTestId('tile-revenue')).toContainText('before:');
    await expect(page.getByTestId('chart-revenue').locator('svg rect.chart-bar').first()).toBeAttached();
    await expect(page.getByTestId('ranking-top_customers').locator('tbody tr')).not.toHaveCount(0);

    // The tile opens the order list filtered the same way, with the same count.
    await page.getByTestId('tile-orders_booked').click();
    await expect(page).toHaveURL(/\/orders\?state=booked&from=\d{4}-\d\d-\d\d&to=/);
    await shell.waitForHydration();
    await expect(page.getByTestId('order-period')).toBeVisible();
    await expect(page.getByTestId('order-count')).toHaveText(`${count} orders`);

    // A bar shows its value on hover and the numbers are there as a table.
    await shell.open('/dashboards');
    const bar = page.getByTestId('chart-orders_by_state').locator('.chart-point').nth(1);
    await bar.hover();
    await expect(bar.locator('.chart-tip')).toBeVisible();
    const data = page.getByTestId('chart-orders_by_state').locator('details');
    await data.locator('summary').click();
    await expect(data.locator('tbody tr')).toHaveCount(7);

    // The filter form puts the period in the URL; the address reopens the same view.
    const filters = page.getByTestId('board-filters');
    await filters.getByLabel('Period').selectOption('year');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/period=year/);
    const year = new Date().getUTCFullYear();
    await expect(page.getByTestId('board-period')).toContainText(`${year}-01-01`);
    await shell.open(new URL(page.url()).pathname + new URL(page.url()).search);
    await expect(page.getByTestId('board-period')).toContainText(`${year}-01-01`);

    // A custom period that runs backwards is refused with a message.
    await shell.open('/dashboards?period=custom&from=2026-03-01&to=2026-02-01');
    await expect(page.locator('.field-error[data-field="to"]')).toContainText('must not be before');

    // A manager may open the other boards; the tabs keep the filter.
    await shell.open('/dashboards?period=7d');
    await page.getByRole('link', { name: 'Support', exact: true }).click();
    await expect(page).toHaveURL(/\/dashboards\/support\?period=7d/);
    await expect(page.getByTestId('board')).toHaveAttribute('data-kind', 'support');
    await expect(page.getByTestId('chart-satisfaction')).toBeVisible();

    // In Chinese.
    await shell.chooseLanguage('zh');
    await expect(page.getByTestId('tile-my_queue')).toContainText('我的未结工单');
    await shell.chooseLanguage('en');
  });

  test('a salesperson sees only their own board, and it fits a phone', async ({ page }) => {
    const shell = new Shell(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await shell.signIn('sales@demo.tandem.test', 'demo-sales-pass');
    await expect(page.getByTestId('board')).toHaveAttribute('data-kind', 'sales');
    await expect(page.getByTestId('tile-activities_due')).toBeVisible();
    await expect(page.getByTestId('chart-pipeline').locator('svg')).toBeVisible();
    // No tabs to other boards, and the management board is refused.
    await expect(page.getByRole('navigation', { name: 'Dashboards' })).toHaveCount(0);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(376);
    await shell.open('/dashboards/manager');
    await expect(page.getByTestId('forbidden')).toBeVisible();
    await expect(page.getByTestId('board')).toHaveCount(0);
  });
});

test.describe('reports', () => {
  test('the manager runs a report whose total matches the dashboard, exports it as CSV and can print it', async ({ page }) => {
    test.setTimeout(90_000);
    const shell = new Shell(page);
    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');
    const revenue = (await page.getByTestId('tile-revenue').getByTestId('tile-value').textContent())!.trim();

    await shell.open('/reports/sales_by_customer');
    const report = page.getByTestId('report');
    await expect(report).toHaveAttribute('data-kind', 'sales_by_customer');
    await expect(page.getByTestId('report-totals').locator('[data-col="net"]')).toHaveText(revenue);

    // By period, grouped by week: the same total.
    await page.getByRole('link', { name: 'Sales by period' }).click();
    await expect(page).toHaveURL(/\/reports\/sales_by_period/);
    await page.getByRole('link', { name: 'Week (from Monday)' }).click();
    await expect(page).toHaveURL(/grain=week/);
    // The weekly table has replaced the daily one (both total the same).
    await expect(report.locator('thead')).toContainText('Week from');
    await expect(page.getByTestId('report-totals').locator('[data-col="net"]')).toHaveText(revenue);

    // CSV: every row, the totals last, readable by spreadsheets (BOM).
    const rows = Number(await page.getByTestId('report-rows').textContent());
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^sales_by_period_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.trim().split('\n');
    expect(lines[0]).toContain('Week from,Orders,Net,Total with tax');
    expect(lines).toHaveLength(rows + 2);
    expect(lines.at(-1)).toContain(`Total,`);
    expect(lines.at(-1)).toContain(revenue.replace(/,/g, ''));
    await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
  });
});

test.describe('report inbox and analysis', () => {
  test('a report runs in the background with progress, lands in the inbox and notifies; a pivot is saved and shared', async ({ page }) => {
    test.setTimeout(120_000);
    const shell = new Shell(page);
    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');
    await shell.open('/reports/receivables_aging');
    const owed = (await page.getByTestId('report-totals').locator('[data-col="owed"]').textContent())!.trim();
    await page.getByTestId('run-background').click();
    await expect(page.getByTestId('schedule-status')).toContainText('Queued');
    await page.getByLabel('Send me this report').selectOption('weekly');
    await page.getByTestId('subscribe').click();
    await expect(page.getByTestId('schedule-status')).toContainText('Subscribed');

    // The inbox refreshes itself until the run is ready (the job runs every 10 s).
    await shell.open('/reports/inbox');
    await expect(page.getByTestId('subscriptions')).toContainText('Weekly (Mondays)');
    const ready = page.getByTestId('runs').locator('tr[data-status="done"]').first();
    await expect(ready).toBeVisible({ timeout: 40_000 });
    await ready.getByRole('link').click();
    await expect(page).toHaveURL(/\/reports\/inbox\/\d+$/);
    await expect(page.getByTestId('report-totals').locator('[data-col="owed"]')).toHaveText(owed);
    await expect(page.getByTestId('unread')).toBeVisible();

    // A pivot: revenue by owner and month, saved and shared.
    await shell.open('/analysis');
    const form = page.getByTestId('pivot-form');
    await form.getByLabel('Rows').selectOption('owner');
    await form.getByLabel('Columns').selectOption('month');
    await form.getByLabel('Measure').selectOption('revenue');
    await form.getByLabel('Period').selectOption('year');
    await form.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL(/rows=owner/);
    await expect(page.getByTestId('pivot-total')).not.toHaveText('0.00');
    await page.getByLabel('Name').fill(`Revenue by owner ${Date.now()}`);
    await page.getByLabel('Share with everyone who runs reports').check();
    await page.getByTestId('save-analysis').click();
    await expect(page.getByTestId('saved-analyses')).toContainText('Revenue by owner');
  });
});

test.describe('list exports', () => {
  test('a list exports its current filter as CSV, the same rows the list counts', async ({ page }) => {
    test.setTimeout(90_000);
    const shell = new Shell(page);
    await shell.signIn('manager@demo.tandem.test', 'demo-manager-pass');
    await shell.open('/orders?state=booked');
    const count = Number((await page.getByTestId('order-count').textContent())!.trim().split(' ')[0]);
    expect(count).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('list-export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^orders_\d{4}-\d\d-\d\d\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.trim().split('\n');
    expect(lines[0].replace('\ufeff', '')).toBe('Number,Customer,Status,Total,Currency,Ship by,Created');
    expect(lines).toHaveLength(count + 1);
    expect(lines.slice(1).every((l) => !/,(draft|cancelled),/.test(l))).toBe(true);
    await expect(page.getByTestId('list-export-status')).toContainText(`${count} rows exported`);

    // Every list has the button; tickets, for one.
    await shell.open('/tickets?view=all');
    await expect(page.getByTestId('list-export-csv')).toBeVisible();
  });

  test('a role without reports.export sees no export button', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signIn('support@demo.tandem.test', 'demo-support-pass');
    await shell.open('/tickets?view=all');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByTestId('list-export-csv')).toHaveCount(0);
  });
});
