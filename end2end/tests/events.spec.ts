import { type Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { expectAccessible, useTheme } from './fixtures/axe';
import { tabTo } from './fixtures/keyboard';
import { createWebhook, freshTenant, issueToken, raiseEvent } from './fixtures/server';
import { suspendedWebhook } from './fixtures/suspended';
import { openByLink } from './fixtures/sign-in';

const ISSUE = 'policy.change.issue';
const INVOICE = 'billing.invoice.generate';

async function openEvents(page: Page, tenant: string, token: string, query = ''): Promise<void> {
  await openByLink(page, `/tenants/${tenant}/events${query}`, token);
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
}

test('the events page: window, type and paging, all in the URL', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  for (let i = 0; i < 105; i++) await raiseEvent(request, tenant, { type: i % 3 === 0 ? INVOICE : ISSUE, data: { n: i } });
  await openEvents(page, tenant, token);
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(100);
  await expect(page.getByTestId('events-chart')).toContainText('100 loaded events');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(105);
  await expect(page.getByTestId('events-count')).toHaveText('105 events, oldest first');
  await expect(page.getByRole('button', { name: 'Check for newer events' })).toBeEnabled();

  await page.getByLabel('Event type').selectOption(INVOICE);
  await expect(page).toHaveURL(new RegExp(`type=${INVOICE}`));
  await expect(rows).toHaveCount(35);
  await expect(rows.first()).toContainText(INVOICE);
  await expect(rows.filter({ hasText: ISSUE })).toHaveCount(0);

  await page.getByLabel('Time window').selectOption('24h');
  await expect(page).toHaveURL(/window=24h/);
  await expect(rows).toHaveCount(35);
  // A range that ended before the events were raised holds none of them.
  await page.getByLabel('Time window').selectOption('custom');
  await page.getByLabel('From').fill('2020-01-01T00:00');
  await page.getByLabel('To', { exact: true }).fill('2020-01-02T00:00');
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect(page).toHaveURL(/window=custom&from=2020-01-01/);
  await expect(page.getByTestId('no-events')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Live tail' })).toBeDisabled();
  // Back restores the previous view, from the URL.
  await page.goBack();
  await expect(rows).toHaveCount(35);
});

test('a custom range that does not read is refused on its field', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await openEvents(page, tenant, token);
  await page.getByLabel('Time window').selectOption('custom');
  await page.getByLabel('From').fill('');
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect(page.getByLabel('From')).toHaveAttribute('aria-invalid', 'true');
  // The server says which field it refuses.
  await page.goto(`/tenants/${tenant}/events?window=custom&from=yesterday`);
  await expect(page.getByTestId('events-refused')).toContainText('From');
});

test('the live tail shows an event raised meanwhile, once', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await raiseEvent(request, tenant, { type: ISSUE });
  await openEvents(page, tenant, token);
  await expect(page.getByTestId('event-row')).toHaveCount(1);
  await page.getByRole('button', { name: 'Live tail' }).click();
  await expect(page.getByRole('button', { name: 'Live tail' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('tail-status')).toContainText('Live');
  const raised = await raiseEvent(request, tenant, { type: INVOICE, data: { live: true } });
  const row = page.getByTestId('event-row').filter({ hasText: raised.locator });
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  await expect(page.getByTestId('tail-status')).toContainText('1 new');
  // A few more polls later, it is still there once.
  await page.waitForTimeout(7_000);
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId('event-row')).toHaveCount(2);
});

test('the live tail rides out a lost connection and resumes without gaps or twins', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await openEvents(page, tenant, token, '?window=15m');
  await page.getByRole('button', { name: 'Live tail' }).click();
  await expect(page.getByTestId('tail-status')).toContainText('Live');
  await page.route('**/events/list**', (route) => route.abort('connectionreset'));
  await expect(page.getByTestId('tail-status')).toContainText('reconnecting', { timeout: 10_000 });
  const during = await raiseEvent(request, tenant, { type: ISSUE });
  await page.unroute('**/events/list**');
  await expect(page.getByTestId('event-row').filter({ hasText: during.locator })).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId('event-row')).toHaveCount(1);
});

test('one event: its data, its request, the webhooks that receive it', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Issuance feed', url: 'http://127.0.0.1:9/feed', eventTypes: [ISSUE] });
  await createWebhook(request, tenant, token, { name: 'Billing only', url: 'http://127.0.0.1:9/bill', eventTypes: [INVOICE] });
  const first = await raiseEvent(request, tenant, {
    type: ISSUE,
    data: { policyLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T4V', transactionLocator: '01JD8Z6Q4V3N5K7M9P1R2S3T4W' },
  });
  const second = await raiseEvent(request, tenant, { type: INVOICE, requestId: first.requestId, data: { invoiceLocator: 'x' } });
  await openEvents(page, tenant, token);
  await page.getByRole('link', { name: first.locator }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${first.locator}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(ISSUE);
  const fields = page.getByTestId('data-fields');
  await expect(fields.getByRole('row', { name: /policyLocator/ })).toContainText("the policy's locator (ULID)");
  await expect(page.getByTestId('event-json')).toContainText('"transactionLocator": "01JD8Z6Q4V3N5K7M9P1R2S3T4W"');
  const requestEvents = page.getByTestId('request-events').getByRole('listitem');
  await expect(requestEvents).toHaveCount(2);
  await expect(requestEvents.first()).toHaveAttribute('aria-current', 'true');
  await expect(requestEvents.nth(1)).toContainText(INVOICE);
  const receivers = page.getByTestId('receiving-webhooks');
  await expect(receivers).toContainText('Issuance feed');
  await expect(receivers).not.toContainText('Billing only');
  await expect(receivers.getByText('Active')).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await expectAccessible(page, `event page (${theme})`);
  }
  // The request's other event is one link away, and the webhook too.
  await page.getByTestId('request-events').getByRole('link', { name: INVOICE }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${second.locator}$`));
  await expect(page.getByTestId('receiving-webhooks')).toContainText('Billing only');
  await page.getByRole('link', { name: 'Billing only' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Billing only');
});

test('a diverted event shows its event, or says which grant is missing', async ({ page, request }) => {
  const hook = await suspendedWebhook(request, 1);
  const [event] = hook.events;
  await openByLink(page, `/tenants/${hook.tenant}/webhooks/${hook.locator}?tab=diverted`, hook.token);
  await page.getByRole('button', { name: `Open event ${event}` }).click();
  const drawer = page.getByRole('dialog', { name: 'Diverted event' });
  const payload = drawer.getByTestId('diverted-payload');
  await expect(payload.getByTestId('event-json')).toContainText('"invoice": 0');
  await expect(payload.getByTestId('request-events')).toContainText('billing.invoice.settle');
  await expectAccessible(page, 'diverted event with its payload');

  const withoutEvents = issueToken(hook.tenant, ['webhooks.read', 'diverted-events.read', 'diverted-events.list']);
  await page.goto(`/connect`);
  await page.evaluate(() => sessionStorage.clear());
  await openByLink(page, `/tenants/${hook.tenant}/webhooks/${hook.locator}?tab=diverted`, withoutEvents);
  await page.getByRole('button', { name: `Open event ${event}` }).click();
  await expect(drawer.getByTestId('diverted-event')).toContainText(event);
  await expect(drawer.getByTestId('payload-note')).toContainText('lacks the permission events.read');
});

test('without events.list the events page names the missing grant', async ({ page }) => {
  const { tenant } = freshTenant();
  const token = issueToken(tenant, ['webhooks.read', 'webhooks.list', 'events.read']);
  await openEvents(page, tenant, token);
  await expect(page.getByTestId('error-panel')).toContainText('lacks the permission events.list');
});

test('an EC without the Events API gets one clear sentence', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.route('**/events/list**', (route) => route.fulfill({ status: 404, body: '' }));
  await openEvents(page, tenant, token);
  await expect(page.getByTestId('no-events-api')).toContainText('has no Events API');
});

test('the event types page: data fields, receivers, unreceived types, recent events', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Issuance feed', url: 'http://127.0.0.1:9/feed', eventTypes: [ISSUE] });
  await createWebhook(request, tenant, token, { name: 'Off', url: 'https://off.example.com/', eventTypes: [INVOICE], enabled: false });
  await openByLink(page, `/tenants/${tenant}/event-types`, token);
  await expect(page.getByRole('heading', { level: 1, name: 'Event types' })).toBeVisible();
  await expect(page.getByTestId('unreceived-count')).toContainText('192 of the catalog');
  await page.getByLabel('Search event types').fill('policy.change.issue');
  const issue = page.getByTestId('event-type-row').filter({ hasText: ISSUE }).first();
  await expect(issue).toContainText('1 webhook');
  await expect(issue.getByRole('link', { name: 'Issuance feed' })).toBeVisible();
  await expect(issue).not.toContainText('Not received');
  await issue.getByText('2 fields').click();
  await expect(issue).toContainText("the transaction's locator (ULID)");
  await page.getByLabel('Search event types').fill(INVOICE);
  const invoice = page.getByTestId('event-type-row').filter({ hasText: INVOICE }).first();
  await expect(invoice).toContainText('Not received');
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await expectAccessible(page, `event types page (${theme})`);
  }
  await invoice.getByRole('link', { name: `Recent events of ${INVOICE}` }).click();
  await expect(page).toHaveURL(new RegExp(`/events\\?window=7d&type=${INVOICE}`));
  await expect(page.getByLabel('Event type')).toHaveValue(INVOICE);
});

for (const theme of ['light', 'dark'] as const) {
  test(`events page accessible and keyboard-reachable in the ${theme} theme`, async ({ page, request }) => {
    const { tenant, token } = freshTenant();
    await raiseEvent(request, tenant, { type: ISSUE });
    await openEvents(page, tenant, token);
    await expect(page.getByTestId('event-row')).toHaveCount(1);
    await useTheme(page, theme);
    await expectAccessible(page, `events page (${theme})`);
    const tail = page.getByRole('button', { name: 'Live tail' });
    await tabTo(page, tail, 30);
    await page.keyboard.press('Enter');
    await expect(tail).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('Enter');
    await expect(tail).toHaveAttribute('aria-pressed', 'false');
  });
}
