import SwaggerParser from '@apidevtools/swagger-parser';
import { expect, test } from '@playwright/test';
import { baseUrl } from './pages/shell';

test.describe('REST API documentation', () => {
  test('the OpenAPI document is valid OpenAPI 3.1', async ({ request }) => {
    const response = await request.get(`${baseUrl()}/api/v1/openapi.json`);
    expect(response.status()).toBe(200);
    const doc = await response.json();
    expect(doc.openapi).toBe('3.1.0');
    // Throws, naming the place, on anything the specification forbids.
    await SwaggerParser.validate(structuredClone(doc));
    expect(Object.keys(doc.paths)).toContain('/orders/{id}/confirm');
  });

  test('the API reference page renders from Tandem itself, under its content policy', async ({ page }) => {
    const violations: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    page.on('request', (req) => {
      if (!req.url().startsWith(baseUrl()) && !req.url().startsWith('data:')) elsewhere.push(req.url());
    });
    await page.goto(`${baseUrl()}/api/v1/docs/`);
    await expect(page.getByRole('heading', { name: /Tandem API/ })).toBeVisible();
    const confirm = page.locator('.opblock', { hasText: '/orders/{id}/confirm' });
    await expect(confirm).toBeVisible();
    // Opening an operation shows its parameters, the Idempotency-Key among them.
    await confirm.locator('.opblock-summary').click();
    await expect(confirm.getByText('Idempotency-Key', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: /Authorize/ })).toBeVisible();
    expect(violations).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
