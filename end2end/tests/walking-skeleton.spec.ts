import { expect, test } from './fixtures/test';
import { createWebhook, freshTenant, issueToken } from './fixtures/server';
import { WebhookListPage } from './fixtures/webhook-list-page';

test('shows a webhook created through the API, and drops the token from the address bar', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, {
    name: 'Invoices to ERP',
    url: 'https://erp.example.com/hooks',
    eventTypes: ['billing.invoice.generate', 'billing.invoice.settle'],
  });
  await createWebhook(request, tenant, token, { name: 'Paused mirror', url: 'https://mirror.example.com/', enabled: false });

  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token);

  await expect(list.rows).toHaveCount(2);
  const erp = list.row('Invoices to ERP');
  await expect(erp).toContainText('https://erp.example.com/hooks');
  await expect(erp.locator('.chip')).toHaveText(['billing.invoice.generate', 'billing.invoice.settle']);
  await expect(erp).toContainText('Active');
  await expect(list.row('Paused mirror')).toContainText('Disabled');

  expect(page.url()).toBe(`http://127.0.0.1:${new URL(page.url()).port}/tenants/${tenant}/webhooks`);
  expect(page.url()).not.toContain(token);
  expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBe(token);
});

test('keeps the token for the tab: a reload still shows the list', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Survives reload', url: 'https://a.example.com/' });
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token);
  await expect(list.row('Survives reload')).toBeVisible();

  await page.reload();
  await expect(list.row('Survives reload')).toBeVisible();
});

test('an empty tenant says it has no webhooks', async ({ page }) => {
  const { tenant, token } = freshTenant();
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token);
  await expect(list.empty).toContainText('This tenant has no webhooks yet');
  await expect(page.getByRole('link', { name: 'New webhook' })).toBeVisible();
  await expect(list.table).toHaveCount(0);
});

test('a token of another tenant gets a clear 403 message', async ({ page }) => {
  const { tenant } = freshTenant();
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, issueToken('00000000-0000-4000-8000-000000000000'));
  await expect(list.error).toContainText('not allowed');
  await expect(list.error).toContainText('403');
});

test('a token lacking webhooks.list is told which permission is missing', async ({ page }) => {
  const { tenant } = freshTenant();
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, issueToken(tenant, ['webhooks.read']));
  await expect(list.error).toContainText('webhooks.list');
});
