import { expect, test } from '@playwright/test';
import { useTheme } from './fixtures/axe';
import { ConnectPage } from './fixtures/connect-page';
import { createWebhook, freshTenant, raiseEvent, seededTenant } from './fixtures/server';
import { suspendedWebhook } from './fixtures/suspended';
import { WebhookListPage } from './fixtures/webhook-list-page';
import { openByLink } from './fixtures/sign-in';

// `make screenshots`: the pictures of docs/screenshots, taken against the real server.
const shots = '../docs/screenshots';

for (const theme of ['light', 'dark'] as const) {
  test(`connection page and an error state, ${theme}`, async ({ page }) => {
    await page.setViewportSize({ width: 1200, height: 760 });
    const { tenant } = freshTenant();
    const connect = new ConnectPage(page);
    await connect.open();
    await useTheme(page, theme);
    await connect.fill('whk_wrong-token', tenant);
    await page.screenshot({ path: `${shots}/connection-${theme}.png` });
    await connect.connect.click();
    await expect(connect.outcome).toContainText('401');
    await page.screenshot({ path: `${shots}/connection-error-${theme}.png` });
  });
}

for (const theme of ['light', 'dark'] as const) {
  test(`webhook list, ${theme}`, async ({ page }) => {
    await page.setViewportSize({ width: 1360, height: 900 });
    const { tenant, token } = seededTenant(60);
    const list = new WebhookListPage(page);
    await list.openWithToken(tenant, token, '?status=enabled');
    await expect(list.rows).toHaveCount(25);
    await useTheme(page, theme);
    await list.rows.nth(2).getByRole('checkbox').click();
    await list.rows.nth(4).getByRole('checkbox').click({ modifiers: ['Shift'] });
    await page.screenshot({ path: `${shots}/list-${theme}.png` });
  });
}

for (const theme of ['light', 'dark'] as const) {
  test(`a suspended webhook's detail page, ${theme}`, async ({ page, request }) => {
    await page.setViewportSize({ width: 1360, height: 900 });
    const hook = await suspendedWebhook(request, 5);
    await openByLink(page, `/tenants/${hook.tenant}/webhooks/${hook.locator}`, hook.token);
    await expect(page.getByTestId('diverted-waiting')).toHaveText('5 diverted events are waiting.');
    await useTheme(page, theme);
    await page.screenshot({ path: `${shots}/detail-suspended-${theme}.png`, fullPage: true });
  });
}

test('the create form, the review panel and the conflict view', async ({ page, request }) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  const { tenant, token } = freshTenant();
  await openByLink(page, `/tenants/${tenant}/webhooks/new`, token);
  await page.getByLabel('Name', { exact: true }).fill('Invoices to ERP');
  await page.getByLabel('URL', { exact: true }).fill('https://erp.example.com/hooks');
  await page.getByRole('button', { name: 'Authorization: Bearer …' }).first().click();
  await page.getByLabel('Value 1 of header Authorization', { exact: true }).fill('Bearer s3cr3t');
  await page.getByLabel('Search event types').fill('invoice');
  await page.getByRole('checkbox', { name: 'billing.invoice.settle' }).check();
  await page.getByLabel('Retry').selectOption('exponential');
  await page.screenshot({ path: `${shots}/form-create-light.png`, fullPage: true });

  const hook = await createWebhook(request, tenant, token, { name: 'Invoices to ERP', url: 'https://erp.example.com/hooks', eventTypes: ['billing.invoice.settle'] });
  await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}/edit`);
  await page.getByLabel('Name', { exact: true }).fill('Invoices to ERP (EU)');
  await page.getByLabel('Search event types').fill('invoice.generate');
  await page.getByRole('checkbox', { name: 'billing.invoice.generate' }).check();
  const review = page.getByTestId('review');
  await expect(review).toContainText('"name": "Invoices to ERP (EU)"');
  await review.scrollIntoViewIfNeeded();
  await review.screenshot({ path: `${shots}/form-review-light.png` });

  await request.patch(`/event/${tenant}/webhooks/${hook.locator}`, { headers: { Authorization: `Bearer ${token}` }, data: { enabled: false } });
  await page.getByRole('button', { name: 'Save changes' }).click();
  const conflict = page.getByTestId('conflict');
  await expect(conflict).toBeVisible();
  await conflict.scrollIntoViewIfNeeded();
  await conflict.screenshot({ path: `${shots}/form-conflict-light.png` });
});

test('the events page, one event, and a diverted event with its payload', async ({ page, request }) => {
  await page.setViewportSize({ width: 1360, height: 900 });
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Policy feed', url: 'http://127.0.0.1:9/feed', eventTypes: ['policy.change.issue'] });
  const groups: [string, Record<string, unknown>][][] = [
    [['policy.change.issue', { policyLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T4V', transactionLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T50' }],
     ['billing.invoice.generate', { invoiceLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T51', policyLocators: { items: ['01JD8Z6Q4V3N5K7M9P1R2S3T4V'], listCompleted: true } }]],
    [['billing.payment.post', { paymentLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T52' }], ['billing.invoice.settle', { invoiceLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T51' }]],
    [['claim.fnol.create', { claimLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T53' }]],
  ];
  let shown = '';
  for (let round = 0; round < 6; round++) {
    for (const group of groups) {
      let requestId: string | undefined;
      for (const [type, data] of group) {
        const raised = await raiseEvent(request, tenant, { type, data, requestId });
        requestId = raised.requestId;
        if (!shown) shown = raised.locator;
      }
    }
  }
  await openByLink(page, `/tenants/${tenant}/events?window=15m`, token);
  await expect(page.getByTestId('event-row')).toHaveCount(30);
  await page.screenshot({ path: `${shots}/events-light.png` });
  await page.goto(`/tenants/${tenant}/events/${shown}`);
  await expect(page.getByTestId('receiving-webhooks')).toContainText('Policy feed');
  await page.screenshot({ path: `${shots}/event-light.png`, fullPage: true });

  const hook = await suspendedWebhook(request, 2);
  await openByLink(page, `/tenants/${hook.tenant}/webhooks/${hook.locator}?tab=diverted`, hook.token);
  await page.getByRole('button', { name: `Open event ${hook.events[0]}` }).click();
  await expect(page.getByTestId('diverted-payload').getByTestId('event-json')).toBeVisible();
  await page.screenshot({ path: `${shots}/diverted-payload-light.png` });
});

test('the form\'s Security section and a webhook\'s setup warnings', async ({ page, request }) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  const { tenant, token } = freshTenant();
  const hook = await createWebhook(request, tenant, token, {
    name: 'Claims to broker',
    url: 'http://broker.example.com/claims',
    eventTypes: ['claim.fnol.create'],
    failureHandling: { triggers: ['5xx'], divert: false, suspend: true },
  });
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}`, token);
  await expect(page.getByTestId('setup-warnings')).toContainText('Suspends without diverting');
  await page.getByTestId('setup-warnings').screenshot({ path: `${shots}/health-light.png` });
  await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}/edit#endpoint-security`);
  await page.getByLabel('Sign deliveries (Standard Webhooks, HMAC-SHA256)').check();
  await page.getByRole('button', { name: 'Generate' }).first().click();
  const security = page.getByRole('group', { name: 'Security', exact: true });
  await security.scrollIntoViewIfNeeded();
  await security.screenshot({ path: `${shots}/form-security-light.png` });
});
