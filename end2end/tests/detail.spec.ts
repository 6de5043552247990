import { type APIRequestContext, type Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { expectAccessible, useTheme } from './fixtures/axe';
import { REFUSING_ENDPOINT, suspendedWebhook, type Suspended } from './fixtures/suspended';
import { openByLink } from './fixtures/sign-in';

async function openDetail(page: Page, hook: Suspended, query = ''): Promise<void> {
  await openByLink(page, `/tenants/${hook.tenant}/webhooks/${hook.locator}${query}`, hook.token);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Invoices to ERP');
}

async function divertedOnServer(request: APIRequestContext, hook: Suspended): Promise<string[]> {
  const list = await request.get(`/event/${hook.tenant}/webhooks/${hook.locator}/diverted?count=1000`, {
    headers: { Authorization: `Bearer ${hook.token}` },
  });
  return (await list.json()).map((e: { eventLocator: string }) => e.eventLocator);
}

test('a webhook suspended by the engine: banner, counts, masked secrets, unsuspend', async ({ page, request }) => {
  const hook = await suspendedWebhook(request, 3);
  await openDetail(page, hook);
  const banner = page.getByTestId('suspension-banner');
  await expect(banner.getByRole('heading', { name: /Suspended/ })).toBeVisible();
  await expect(banner).toContainText('Nothing is sent until you unsuspend it');
  await expect(banner.getByTestId('diverted-waiting')).toHaveText('3 diverted events are waiting.');
  await expect(page.getByTestId('status')).toHaveText('Suspended');

  const fields = page.getByTestId('webhook-fields');
  await expect(fields).toContainText(REFUSING_ENDPOINT);
  await expect(fields).not.toContainText('s3cr3t-value');
  await expect(fields).toContainText('prod');
  await page.getByRole('button', { name: 'Reveal Authorization' }).click();
  await expect(fields).toContainText('Bearer s3cr3t-value');
  await expect(page.getByTestId('policy')).toContainText('A delivery fails on timeout, 5xx');
  await expect(page.getByTestId('policy')).toContainText('the event is diverted');
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await expectAccessible(page, `detail of a suspended webhook (${theme})`);
  }

  await banner.getByRole('button', { name: 'Unsuspend' }).click();
  const dialog = page.getByRole('dialog', { name: 'Unsuspend “Invoices to ERP”?' });
  await dialog.getByRole('button', { name: 'Unsuspend' }).click();
  await expect(page.getByTestId('suspension-banner')).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveText('Active');
  const stored = await (await request.get(`/event/${hook.tenant}/webhooks/${hook.locator}`, { headers: { Authorization: `Bearer ${hook.token}` } })).json();
  expect(stored.suspended).toBe(false);
});

test('diverted events: drawer, resend and delete one, then a selection with one forced failure', async ({ page, request }) => {
  const hook = await suspendedWebhook(request, 4);
  await openDetail(page, hook, '?tab=diverted');
  const rows = page.getByTestId('diverted-row');
  await expect(rows).toHaveCount(4);
  await expect(page.getByTestId('resend-explained')).toContainText('Resend queues an event');
  await expectAccessible(page, 'diverted events tab');

  // The drawer shows one event in full.
  const [first, second, third, fourth] = hook.events;
  await page.getByRole('button', { name: `Open event ${first}` }).click();
  const drawer = page.getByRole('dialog', { name: 'Diverted event' });
  await expect(drawer.getByTestId('diverted-event')).toContainText(first);
  await expect(drawer.getByTestId('diverted-event')).toContainText(/timeout|suspended/);
  await expectAccessible(page, 'diverted event drawer');

  // Resend one, from the drawer: the server queues it again.
  const resend = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/diverted/${first}/resend`));
  await drawer.getByRole('button', { name: `Resend event ${first}` }).click();
  await resend;
  await expect(page.getByRole('status').filter({ hasText: `Event ${first} queued for delivery.` })).toBeVisible();
  await drawer.getByRole('button', { name: 'Close' }).click();

  // Delete one, from its row, after confirmation.
  await page.getByRole('button', { name: `Delete event ${second}` }).click();
  await page.getByRole('dialog', { name: 'Delete this diverted event?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(rows).toHaveCount(3);
  await expect.poll(() => divertedOnServer(request, hook)).not.toContain(second);

  // Delete a selection of two, one of which the API refuses.
  await page.route(`**/diverted/${fourth}`, (route) =>
    route.request().method() === 'DELETE'
      ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"httpStatus":500,"message":"disk full"}' })
      : route.continue(),
  );
  await page.getByRole('checkbox', { name: `Select event ${third}` }).check();
  await page.getByRole('checkbox', { name: `Select event ${fourth}` }).check();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await page.getByRole('dialog', { name: 'Delete 2 diverted events?' }).getByRole('button', { name: 'Delete' }).click();
  const report = page.getByTestId('bulk-report');
  await expect(report).toContainText('Delete: 1 succeeded, 1 failed.');
  await expect(report).toContainText(fourth);
  await expect(report).toContainText('disk full');
  await expect(page.getByRole('checkbox', { name: `Select event ${fourth}` })).toBeChecked();
  await expect(rows).toHaveCount(2);
  expect(await divertedOnServer(request, hook)).toEqual(expect.arrayContaining([first, fourth]));
  expect(await divertedOnServer(request, hook)).not.toContain(third);

  // Resend the selection: both are queued.
  await page.unroute(`**/diverted/${fourth}`);
  await page.getByRole('checkbox', { name: 'Select all events on this page' }).check();
  await page.getByRole('button', { name: 'Resend selected' }).click();
  await expect(report).toContainText('Resend: 2 succeeded, 0 failed.');
});

test('the raw JSON is what the API returns, its secrets masked until revealed', async ({ page, request }) => {
  const hook = await suspendedWebhook(request, 1);
  await openDetail(page, hook, '?tab=json');
  const raw = page.getByTestId('raw-json');
  await expect(raw).toContainText('"Authorization": [\n');
  await expect(raw).not.toContainText('s3cr3t-value');
  const masked = JSON.parse(await raw.innerText());
  expect(masked.endpoint.headers.Authorization).toEqual(['••••••••']);
  expect(masked.endpoint.headers['X-Env']).toEqual(['prod']);
  await page.getByRole('button', { name: 'Reveal secrets' }).click();
  await expect(raw).toContainText('Bearer s3cr3t-value');
  const shown = JSON.parse(await raw.innerText());
  const api = await (await request.get(`/event/${hook.tenant}/webhooks/${hook.locator}`, { headers: { Authorization: `Bearer ${hook.token}` } })).json();
  expect(shown).toEqual(api);
  await expect(page.getByRole('button', { name: 'Copy JSON' })).toBeVisible();
  await page.getByRole('link', { name: 'Diverted events', exact: true }).click();
  await expect(page).toHaveURL(/tab=diverted/);
  await expect(page.getByTestId('diverted-row')).toHaveCount(1);
});

test('diverted events page by 25 with the count + 1 rule, in the URL', async ({ page, request }) => {
  test.slow(); // 26 real deliveries, each committed to disk, while other tests run
  const hook = await suspendedWebhook(request, 26);
  await openDetail(page, hook, '?tab=diverted');
  const rows = page.getByTestId('diverted-row');
  await expect(rows).toHaveCount(25);
  const next = page.getByRole('button', { name: 'Next' });
  const listed = page.waitForRequest((r) => r.url().includes('/diverted?'));
  await next.click();
  expect(new URL((await listed).url()).searchParams.get('count')).toBe('26');
  await expect(page).toHaveURL(/tab=diverted&page=2/);
  await expect(rows).toHaveCount(1);
  await expect(next).toBeDisabled();
  await page.goBack();
  await expect(rows).toHaveCount(25);
  await expect(next).toBeEnabled();
});
