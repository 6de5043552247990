import { type Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { createWebhook, freshTenant, raiseEvent } from './fixtures/server';
import { WebhookListPage } from './fixtures/webhook-list-page';
import { openByLink } from './fixtures/sign-in';

// How the console loads (issue 20), asserted by the requests it makes, never by a time.

/**
 * Holds back what `route` matches until a request whose URL contains `call` has gone out:
 * if that request waited for it, neither would ever come.
 */
function holdUntilRequested(page: Page, route: string, call: string): Promise<void> {
  let sent: () => void = () => {};
  const requested = new Promise<void>((resolve) => (sent = resolve));
  page.on('request', (r) => {
    if (r.url().includes(call)) sent();
  });
  return page.route(route, async (held) => {
    await requested;
    await held.continue();
  });
}

test('the chunks of the pages reached from the list are fetched before any click', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Preloaded', url: 'https://p.example.com/' });
  const chunks = ['webhook_detail', 'webhook_form', 'events', 'catalog'];
  const fetched = chunks.map((chunk) => page.waitForRequest((r) => r.url().endsWith(`-${chunk}.wasm`)));
  await new WebhookListPage(page).openWithToken(tenant, token);
  await expect(page.getByTestId('webhook-row')).toHaveCount(1);
  await Promise.all(fetched);
});

test("a lazy page's request does not wait for its chunk", async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  const hook = await createWebhook(request, tenant, token, { name: 'No waterfall', url: 'https://w.example.com/' });
  await raiseEvent(request, tenant, { type: 'policy.change.issue' });
  // Each page's chunk is held back until that page's own API request has gone out (also
  // when it is preloaded at idle time).
  await holdUntilRequested(page, '**/*-webhook_detail.wasm', `/event/${tenant}/webhooks/${hook.locator}`);
  await holdUntilRequested(page, '**/*-events.wasm', `/event/${tenant}/events/list`);
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}`, token);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('No waterfall');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click();
  await expect(page.getByTestId('event-row')).toHaveCount(1);
});

test('the first list call goes out with config.json, not after it', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Early', url: 'https://e.example.com/' });
  // config.json is held until the list call has gone out.
  await holdUntilRequested(page, '**/config.json', `/event/${tenant}/webhooks/list`);
  await new WebhookListPage(page).openWithToken(tenant, token);
  await expect(page.getByTestId('webhook-row')).toHaveCount(1);
});

test('a cold start of the list asks the API once: the call started before the wasm is the one used', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Once', url: 'https://o.example.com/' });
  const calls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes(`/event/${tenant}/webhooks/list`)) calls.push(r.url());
  });
  await new WebhookListPage(page).openWithToken(tenant, token);
  await expect(page.getByTestId('webhook-row')).toHaveCount(1);
  expect(calls).toEqual([expect.stringContaining('/webhooks/list?offset=0&count=26')]);
  // Another view than the default one: the app asks itself, once.
  calls.length = 0;
  await page.goto(`/tenants/${tenant}/webhooks?status=enabled`);
  await expect(page.getByTestId('webhook-row')).toHaveCount(1);
  expect(calls).toHaveLength(1);
  expect(await page.evaluate(() => (window as any).__webhooksFirstCall)).toBeUndefined();
});

test("a reload takes the app's code from the cache without asking the server", async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Cached', url: 'https://c.example.com/' });
  await new WebhookListPage(page).openWithToken(tenant, token);
  await expect(page.getByTestId('webhook-row')).toHaveCount(1);
  await page.waitForLoadState('networkidle'); // the chunks preloaded at idle time too
  await page.reload();
  await expect(page.getByTestId('webhook-row')).toHaveCount(1);
  // transferSize is 0 for a file taken from the cache unasked; a revalidated one costs
  // its headers. Only index.html, config.json and the API go to the server.
  const asked = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((entry) => /\.(js|wasm|css|svg)$/.test(new URL(entry.name).pathname) && entry.transferSize > 0)
      .map((entry) => new URL(entry.name).pathname),
  );
  expect(asked).toEqual([]);
  const code = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => entry.name.endsWith('.js')).length,
  );
  expect(code).toBeGreaterThan(1);
});
