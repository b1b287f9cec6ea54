import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { baseUrl, Shell } from './pages/shell';

const run = Date.now().toString(36);

/** A webhook receiver on 127.0.0.1 that keeps what it is sent. */
async function receiver(): Promise<{
  url: string;
  got: { headers: IncomingHttpHeaders; body: string }[];
  close: () => Promise<void>;
}> {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test.describe('integrations and data', () => {
  test('an admin makes a token and a webhook; an API change arrives signed and can be sent again', async ({ page, request }) => {
    test.setTimeout(120_000);
    const hook = await receiver();
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await shell.open('/admin/integrations');

    // A token limited to stock adjustments, shown once.
    await page.getByLabel('Name', { exact: true }).first().fill(`shop ${run}`);
    await page.getByLabel('stock.adjust').check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('secret').first().textContent())?.trim() ?? '';
    expect(token).toMatch(/^tdm_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}$/);
    await expect(page.getByTestId('tokens')).toContainText(`shop ${run}`);

    // A webhook endpoint for stock changes; its secret is shown once.
    await page.locator('#hook-name').fill(`receiver ${run}`);
    await page.getByLabel('Address (URL)').fill(hook.url);
    await page.getByLabel('stock.changed').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(page.getByTestId('webhooks')).toContainText(`receiver ${run}`);
    const secret = (await page.getByTestId('secret').last().textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);

    // A change through the API reaches the receiver, signed.
    const products = await request.get(`${baseUrl()}/api/v1/products?limit=1`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(products.status(), 'the token may not read products').toBe(403);
    const adjust = await request.post(`${baseUrl()}/api/v1/stock/adjustments`, {
      headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': `e2e-${run}` },
      data: { product_id: 1, warehouse_id: 1, quantity: 3, reason: `e2e ${run}` },
    });
    expect(adjust.status(), await adjust.text()).toBeLessThan(300);
    await expect.poll(() => hook.got.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const first = hook.got[0];
    const stamp = String(first.headers['tandem-timestamp']);
    const expected = createHmac('sha256', secret).update(`${stamp}.${first.body}`).digest('hex');
    expect(first.headers['tandem-signature']).toBe(`v1=${expected}`);
    expect(JSON.parse(first.body).type).toBe('stock.changed');

    // The delivery log shows it delivered; sending it again delivers it again.
    await page.getByRole('link', { name: `receiver ${run}` }).click();
    await shell.waitForHydration();
    const log = page.getByTestId('deliveries');
    await expect(log).toContainText('Delivered');
    await log.getByRole('button', { name: 'Send again' }).first().click();
    await expect.poll(() => hook.got.length, { timeout: 20_000 }).toBeGreaterThan(1);
    expect(hook.got[1].headers['tandem-event-id']).toBe(first.headers['tandem-event-id']);

    // Revoking the token refuses its next request.
    await shell.open('/admin/integrations');
    await page.getByRole('button', { name: `Revoke shop ${run}` }).click();
    await expect(page.getByTestId('tokens')).toContainText('Revoked');
    const after = await request.post(`${baseUrl()}/api/v1/stock/adjustments`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { product_id: 1, warehouse_id: 1, quantity: 1, reason: 'after revoke' },
    });
    expect(after.status()).toBe(401);
    await hook.close();
    expect(shell.consoleErrors).toEqual([]);
  });

  test('a GBK file is checked in a dry run, its bad row listed, then the rest imported with progress', async ({ page }) => {
    test.setTimeout(90_000);
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await shell.open('/admin/import');
    // "名称,邮箱,备注 / 杭州丝绸 E2E,hz@example.com,老客户 / ,nameless@example.com," in GBK.
    const gbk = Buffer.from(
      'c3fbb3c62cd3cacfe42cb1b8d7a20ababcd6ddcbbfb3f1204532452c687a406578616d706c652e636f6d2cc0cfbfcdbba70a2c6e616d656c657373406578616d706c652e636f6d2c0a',
      'hex',
    );
    await page.getByLabel('What the file holds').selectOption('customers');
    await page.getByLabel('CSV file').setInputFiles({ name: `customers-${run}.csv`, mimeType: 'text/csv', buffer: gbk });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/upload=\d+/);
    await shell.waitForHydration();
    await expect(page.getByTestId('upload-summary')).toContainText('2 rows');
    await expect(page.getByTestId('upload-summary')).toContainText('GBK');
    // The Chinese headers were matched to their fields.
    await expect(page.getByLabel('Name *')).toHaveValue('名称');
    await expect(page.getByLabel('Email', { exact: true })).toHaveValue('邮箱');

    await page.getByRole('button', { name: 'Dry run (change nothing)' }).click();
    await expect(page.getByTestId('run-heading')).toHaveText('Dry run finished: nothing was changed', { timeout: 30_000 });
    await expect(page.getByTestId('problems')).toContainText('3');
    await expect(page.getByTestId('problems')).toContainText('This value is required.');
    await expect(page.getByRole('link', { name: 'Download the bad rows with their errors (CSV)' })).toBeVisible();

    await page.getByLabel(/Import the good rows even if some rows are bad/).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByTestId('run-heading')).toHaveText('Imported', { timeout: 30_000 });
    await expect(page.getByTestId('run-counts').locator('[data-count="created"]')).toHaveText('1');
    await expect(page.locator('#import-progress')).toHaveAttribute('value', '2');
    await shell.open(`/customers?q=${encodeURIComponent('杭州丝绸')}`);
    await expect(page.getByRole('link', { name: '杭州丝绸 E2E' }).first()).toBeVisible();
    expect(shell.consoleErrors).toEqual([]);
  });

  test('an admin downloads a backup and a full export; the pages fit a phone', async ({ page }) => {
    const shell = new Shell(page);
    await shell.signInAsAdmin();
    await shell.open('/admin/data');
    const backup = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download a backup' }).click();
    const file = await backup;
    expect(file.suggestedFilename()).toMatch(/^tandem-backup-\d{8}-\d{6}\.jsonl\.gz$/);
    const exported = page.waitForEvent('download');
    await page.getByTestId('export-kinds').getByRole('link', { name: 'customers.csv' }).click();
    expect((await exported).suggestedFilename()).toMatch(/^tandem-customers-\d{8}\.csv$/);

    await page.setViewportSize({ width: 375, height: 800 });
    for (const path of ['/admin/integrations', '/admin/import', '/admin/data']) {
      await shell.open(path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(375);
    }
    expect(shell.consoleErrors).toEqual([]);
  });
});
