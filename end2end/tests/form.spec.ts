import { type Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { freshTenant } from './fixtures/server';
import { openByLink } from './fixtures/sign-in';

/** A webhook with something in every section, created through the API. */
async function richWebhook(page: Page, tenant: string, token: string) {
  const response = await page.request.post(`/event/${tenant}/webhooks`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      name: 'Invoices to ERP',
      endpoint: { url: 'https://erp.example.com/hooks', headers: { 'X-Env': ['prod'], 'X-Api-Key': ['k1'] } },
      failureHandling: {
        triggers: ['5xx', 'timeout'],
        retryStrategy: { type: 'linear', interval: 1000, attempts: 3 },
        divert: true,
        suspend: false,
        alertEndpoint: { url: 'https://alerts.example.com/' },
      },
      eventTypes: ['billing.invoice.generate', 'billing.invoice.settle'],
    },
  });
  return response.json();
}

async function editAndSave(page: Page, edit: () => Promise<void>, expected: unknown) {
  await edit();
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByRole('button', { name: 'Save changes' }).click();
  expect((await patch).postDataJSON()).toEqual(expected);
  // Saved and in step with the server: nothing left to send.
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await expect(page.getByTestId('review')).toContainText('No changes yet.');
}

test('each edit sends exactly its minimal PATCH body', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.goto(`/connect`);
  const hook = await richWebhook(page, tenant, token);
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
  await expect(page.getByRole('heading', { name: 'Edit “Invoices to ERP”' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeDisabled();

  await editAndSave(page, () => page.getByLabel('Name', { exact: true }).fill('ERP'), { name: 'ERP' });
  // The heading follows the saved rename.
  await expect(page.getByRole('heading', { name: 'Edit “ERP”' })).toBeVisible();
  await editAndSave(page, () => page.getByLabel('Enabled: deliver events to the endpoint').uncheck(), { enabled: false });
  await editAndSave(
    page,
    async () => {
      await page.getByRole('button', { name: 'Add header' }).first().click();
      await page.getByLabel('Endpoint header name').last().fill('X-Team');
      await page.getByLabel('Value 1 of header X-Team', { exact: true }).fill('billing');
    },
    { endpoint: { addHeaders: { 'X-Team': ['billing'] } } },
  );
  await editAndSave(page, () => page.getByLabel('Value 1 of header X-Env', { exact: true }).fill('eu'), {
    endpoint: { removeHeaders: ['X-Env'], addHeaders: { 'X-Env': ['eu'] } },
  });
  await editAndSave(page, () => page.getByRole('button', { name: 'Remove header X-Team' }).click(), { endpoint: { removeHeaders: ['X-Team'] } });
  await editAndSave(
    page,
    async () => {
      await page.getByLabel('Search event types').fill('invoice');
      await page.getByRole('checkbox', { name: 'billing.invoice.settle' }).uncheck();
      await page.getByRole('checkbox', { name: 'billing.invoice.autopay', exact: true }).check();
    },
    { addEventTypes: ['billing.invoice.autopay'], removeEventTypes: ['billing.invoice.settle'] },
  );
  await editAndSave(page, () => page.getByLabel('Retry').selectOption('exponential'), {
    failureHandling: { retryStrategy: { type: 'exponential', interval: 1000, attempts: 3 } },
  });
  await editAndSave(page, () => page.getByLabel('Send failure alerts to an alert endpoint').uncheck(), { failureHandling: { removeAlertEndpoint: true } });
  await editAndSave(page, () => page.getByRole('button', { name: "Reset to EC's default policy" }).click(), { removeFailureHandling: true });

  const stored = await (await page.request.get(`/event/${tenant}/webhooks/${hook.locator}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(stored).toMatchObject({
    name: 'ERP',
    enabled: false,
    endpoint: { url: 'https://erp.example.com/hooks', headers: { 'X-Env': ['eu'], 'X-Api-Key': ['k1'] } },
    failureHandling: { triggers: ['4xx', '5xx', 'timeout'], divert: false, suspend: false },
    eventTypes: ['billing.invoice.generate', 'billing.invoice.autopay'],
  });
  expect(stored.failureHandling.retryStrategy).toBeUndefined();
});

test('a failed save keeps the form; a server field error is shown at its field', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.goto('/connect');
  const hook = await richWebhook(page, tenant, token);
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
  await page.getByLabel('Name', { exact: true }).fill('Kept after a 500');
  await page.route('**/event/**', (route) =>
    route.request().method() === 'PATCH' ? route.fulfill({ status: 500, body: '' }) : route.continue(),
  );
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('The API failed (500)')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Kept after a 500');
  await page.unroute('**/event/**');
  await page.route('**/event/**', (route) =>
    route.request().method() === 'PATCH'
      ? route.fulfill({ status: 400, contentType: 'application/json', body: '{"httpStatus":400,"message":"invalid webhook","fieldErrors":{"name":"this name is taken"}}' })
      : route.continue(),
  );
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('this name is taken').first()).toBeVisible();
});

test('a change made elsewhere meanwhile leads to the conflict choice', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.goto('/connect');
  const hook = await richWebhook(page, tenant, token);
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
  await page.getByLabel('Name', { exact: true }).fill('Mine');
  await page.request.patch(`/event/${tenant}/webhooks/${hook.locator}`, { headers: { Authorization: `Bearer ${token}` }, data: { enabled: false } });
  await page.getByRole('button', { name: 'Save changes' }).click();
  const conflict = page.getByTestId('conflict');
  await expect(conflict).toContainText('Disable');
  await conflict.getByRole('button', { name: 'Keep my edit on top of theirs' }).click();
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByRole('button', { name: 'Save changes' }).click();
  // Rebased on theirs: only the name is sent; `enabled: false` stays as they set it.
  expect((await patch).postDataJSON()).toEqual({ name: 'Mine' });
});

test('leaving with unsaved changes asks first', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.goto('/connect');
  const hook = await richWebhook(page, tenant, token);
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
  await page.getByLabel('Name', { exact: true }).fill('Unsaved');
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('link', { name: '← Back to the webhook' }).click();
  await expect(page).toHaveURL(/\/edit$/);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Unsaved');
});
