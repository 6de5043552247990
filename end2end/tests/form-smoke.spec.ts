import { expect, test } from './fixtures/test';
import { expectAccessible } from './fixtures/axe';
import { createWebhook, freshTenant } from './fixtures/server';
import { openByLink } from './fixtures/sign-in';

test('create with every section filled, then read it back through the API', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await openByLink(page, `/tenants/${tenant}/webhooks/new`, token);
  // General.
  await page.getByLabel('Name', { exact: true }).fill('Form made');
  await page.getByLabel('Enabled: deliver events to the endpoint').uncheck();
  // Endpoint, with a plain header of two values and the Bearer preset.
  await page.getByLabel('URL', { exact: true }).fill('https://form.example.com/in');
  await page.getByRole('button', { name: 'Add header' }).first().click();
  await page.getByLabel('Endpoint header name').fill('X-Env');
  await page.getByLabel('Value 1 of header X-Env', { exact: true }).fill('eu');
  await page.getByRole('button', { name: 'Add value' }).first().click();
  await page.getByLabel('Value 2 of header X-Env', { exact: true }).fill('prod');
  await page.getByRole('button', { name: 'Authorization: Bearer …' }).first().click();
  const bearer = page.getByLabel('Value 1 of header Authorization', { exact: true });
  await expect(bearer).toHaveAttribute('type', 'password');
  await bearer.fill('Bearer t0ken');
  // Event types: one from the catalog, one typed.
  await page.getByLabel('Search event types').fill('invoice.settle');
  await page.getByRole('checkbox', { name: 'billing.invoice.settle' }).check();
  await page.getByLabel('Another event type').fill('custom.thing.happened');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  // Failure handling.
  await page.getByLabel('Trigger on 4xx').uncheck();
  await page.getByLabel('Also trigger on these status codes').fill('429');
  await page.getByLabel('Retry').selectOption('exponential');
  await page.getByLabel('Interval').fill('2');
  await page.getByLabel('Unit').selectOption('s');
  // EC does not document the unit: the form says it sends milliseconds.
  await expect(page.getByLabel('Interval')).toHaveAccessibleDescription(/Sent in milliseconds: EC does not document/);
  await page.getByLabel('Attempts (1–10)').fill('3');
  await expect(page.getByTestId('retry-schedule')).toContainText('retries after 2 s, 4 s, 8 s');
  await page.getByLabel('Divert: keep failed events for resending').check();
  await page.getByLabel('Suspend the webhook when retries run out').check();
  await page.getByLabel('Send failure alerts to an alert endpoint').check();
  await page.getByLabel('Alert endpoint URL').fill('https://alerts.example.com/hook');
  await expectAccessible(page, 'create form, filled');

  const post = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/webhooks'));
  await page.getByRole('button', { name: 'Create webhook' }).click();
  await post;
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Form made');
  await expect(page.getByTestId('webhook-fields')).toContainText("EC does not document the interval's unit");
  const locator = page.url().split('/').at(-1)!.split('?')[0];
  const stored = await (await request.get(`/event/${tenant}/webhooks/${locator}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(stored.name).toBe('Form made');
  expect(stored.enabled).toBe(false);
  expect(stored.endpoint.url).toBe('https://form.example.com/in');
  expect(stored.endpoint.headers).toEqual({ 'X-Env': ['eu', 'prod'], Authorization: ['Bearer t0ken'] });
  expect([...stored.eventTypes].sort()).toEqual(['billing.invoice.settle', 'custom.thing.happened']);
  expect([...stored.failureHandling.triggers].sort()).toEqual(['429', '5xx', 'timeout']);
  expect(stored.failureHandling.retryStrategy).toEqual({ type: 'exponential', interval: 2000, attempts: 3 });
  expect(stored.failureHandling.divert).toBe(true);
  expect(stored.failureHandling.suspend).toBe(true);
  expect(stored.failureHandling.alertEndpoint.url).toBe('https://alerts.example.com/hook');
});

test('edit shows the exact PATCH before saving, and the toast after', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  const hook = await createWebhook(request, tenant, token, { name: 'To edit', url: 'https://e.example.com/' });
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
  await page.getByLabel('Name', { exact: true }).fill('Edited');
  await expect(page.getByTestId('patch-body')).toContainText('"name": "Edited"');
  await expectAccessible(page, 'edit form with its review panel');
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByRole('button', { name: 'Save changes' }).click();
  expect((await patch).postDataJSON()).toEqual({ name: 'Edited' });
  await expect(page.getByTestId('toasts')).toContainText('Saved “Edited”.');
});
