import { expect, test } from '@playwright/test';
import { createWebhook, freshTenant } from './fixtures/server';

test('create through the form, then edit and see the exact PATCH', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  page.on('console', (m) => console.log('CONSOLE', m.type(), m.text().slice(0, 300)));
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message.slice(0, 300)));
  await page.goto(`/tenants/${tenant}/webhooks/new#token=${token}`);
  await page.getByLabel('Name', { exact: true }).fill('Form made');
  await page.getByLabel('URL', { exact: true }).fill('https://form.example.com/in');
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Endpoint header name').fill('X-Api-Key');
  await page.getByLabel('Value 1 of header X-Api-Key', { exact: true }).fill('secret-1');
  await expect(page.getByLabel('Value 1 of header X-Api-Key', { exact: true })).toHaveAttribute('type', 'password');
  await page.getByLabel('Search event types').fill('invoice.settle');
  await page.getByRole('checkbox', { name: 'billing.invoice.settle' }).check();
  await page.getByLabel('Retry').selectOption('exponential');
  await expect(page.getByTestId('retry-schedule')).toContainText('retries after 1 s, 2 s, 4 s');
  await page.getByRole('button', { name: 'Create webhook' }).click();
  await expect(page.getByRole('heading', { name: 'Form made' })).toBeVisible();

  const hook = await createWebhook(request, tenant, token, { name: 'To edit', url: 'https://e.example.com/' });
  await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}/edit`);
  await page.getByLabel('Name', { exact: true }).fill('Edited');
  await expect(page.getByTestId('patch-body')).toContainText('"name": "Edited"');
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByRole('button', { name: 'Save changes' }).click();
  expect((await patch).postDataJSON()).toEqual({ name: 'Edited' });
  await expect(page.getByTestId('toasts')).toContainText('Saved “Edited”.');
});
