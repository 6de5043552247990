import { expect, test } from './fixtures/test';
import { expectAccessible } from './fixtures/axe';
import { tabTo } from './fixtures/keyboard';
import { apiNames, createWebhook, freshTenant, issueToken, seededTenant } from './fixtures/server';
import { WebhookListPage } from './fixtures/webhook-list-page';

test.describe('filters, all on the server and in the URL', () => {
  let tenant: string;
  let token: string;
  test.beforeAll(() => ({ tenant, token } = seededTenant(250)));

  test('each filter and a combination show what the API lists', async ({ page, request }) => {
    const list = new WebhookListPage(page);
    await list.openWithToken(tenant, token);
    await list.expectNames(await apiNames(request, tenant, token, 'count=25'));

    await list.nameFilter.fill('ledger');
    await expect(page).toHaveURL(/name=ledger/);
    await list.expectNames(await apiNames(request, tenant, token, 'count=25&name=ledger'));

    await list.statusFilter.selectOption('suspended');
    await expect(page).toHaveURL(/status=suspended/);
    await list.expectNames(await apiNames(request, tenant, token, 'count=25&name=ledger&suspended=true'));

    await list.toggleEventType('claim.fnol.create');
    await expect(page).toHaveURL(/types=claim\.fnol\.create/);
    await list.expectNames(await apiNames(request, tenant, token, 'count=25&name=ledger&suspended=true&eventTypes=claim.fnol.create'));

    for (const [status, api] of [['active', 'active=true'], ['enabled', 'enabled=true'], ['disabled', 'enabled=false']]) {
      await list.statusFilter.selectOption(status);
      await list.expectNames(await apiNames(request, tenant, token, `count=25&name=ledger&${api}&eventTypes=claim.fnol.create`));
    }

    await list.clearFilters.click();
    await expect(page).toHaveURL(`/tenants/${tenant}/webhooks`);
    await list.expectNames(await apiNames(request, tenant, token, 'count=25'));
    await expect(list.nameFilter).toHaveValue('');
  });

  test('reload keeps filters and page; back and forward restore them', async ({ page, request }) => {
    const list = new WebhookListPage(page);
    await list.openWithToken(tenant, token, '?status=enabled&size=50');
    const page1 = await apiNames(request, tenant, token, 'count=50&enabled=true');
    await list.expectNames(page1);
    await list.next.click();
    await expect(page).toHaveURL(/page=2/);
    const page2 = await apiNames(request, tenant, token, 'count=50&offset=50&enabled=true');
    await list.expectNames(page2);

    await page.reload();
    await list.expectNames(page2);
    await expect(list.statusFilter).toHaveValue('enabled');
    await expect(list.pageSize).toHaveValue('50');
    await expect(list.rowRange).toHaveText('Rows 51–100');

    await page.goBack();
    await list.expectNames(page1);
    await page.goForward();
    await list.expectNames(page2);
  });

  test('"/" focuses the name filter; no match offers to clear filters', async ({ page }) => {
    const list = new WebhookListPage(page);
    await list.openWithToken(tenant, token);
    await expect(list.rows).toHaveCount(25);
    await page.keyboard.press('/');
    await expect(list.nameFilter).toBeFocused();
    await page.keyboard.type('no such webhook');
    await expect(list.empty).toContainText('No webhook matches these filters.');
    await list.empty.getByRole('button', { name: 'Clear filters' }).click();
    await expect(list.rows).toHaveCount(25);
  });
});

test('pages ask count+1: next is offered exactly when another row exists', async ({ page, request }) => {
  const exact = seededTenant(50);
  const list = new WebhookListPage(page);
  await list.openWithToken(exact.tenant, exact.token);
  await expect(list.rows).toHaveCount(25);
  await expect(list.previous).toBeDisabled();
  await list.next.click();
  await expect(list.rowRange).toHaveText('Rows 26–50');
  await expect(list.next).toBeDisabled();

  await createWebhook(request, exact.tenant, exact.token, { name: 'The 51st', url: 'https://x.example.com/' });
  await page.reload();
  await expect(list.next).toBeEnabled();
  await list.next.click();
  await list.expectNames(['The 51st']);
  await expect(list.rowRange).toHaveText('Rows 51–51');
  await list.previous.click();
  await expect(list.rowRange).toHaveText('Rows 26–50');
});

test('row actions update the row in place and keep filters and page', async ({ page, request }) => {
  const { tenant, token } = seededTenant(60);
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token, '?name=%23&page=2');
  await expect(list.rowRange).toHaveText('Rows 26–50');
  const url = page.url();

  // #33 is enabled and suspended (33 % 11 == 0).
  const suspended = 'Claims Claims #33';
  await expect(list.row(suspended)).toContainText('Suspended');
  await list.rowAction(suspended, 'Disable');
  await expect(list.row(suspended)).toContainText('Suspended');
  await expect(page.getByTestId('toasts')).toContainText(`Disabled “${suspended}”.`);
  await list.rowAction(suspended, 'Unsuspend');
  await expect(list.dialog).toContainText(`Unsuspend “${suspended}”?`);
  await list.dialog.getByRole('button', { name: 'Unsuspend' }).click();
  await expect(list.row(suspended)).toContainText('Disabled');
  await list.rowAction(suspended, 'Enable');
  await expect(list.row(suspended)).toContainText('Active');

  const doomed = 'Audit Claims #39';
  await list.rowAction(doomed, 'Delete');
  await expect(list.dialog).toContainText(`Delete “${doomed}”?`);
  await list.dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(list.row(doomed)).toHaveCount(1);
  await list.rowAction(doomed, 'Delete');
  await list.dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(list.row(doomed)).toHaveCount(0);
  expect(page.url()).toBe(url);

  const stored = await (await request.get(`/event/${tenant}/webhooks/list?count=100&name=Claims%20Claims`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(stored.find((w: { name: string }) => w.name === suspended)).toMatchObject({ enabled: true, suspended: false, suspendedAt: null });
  expect(await apiNames(request, tenant, token, 'count=100')).not.toContain(doomed);
});

test('bulk disable of 30 webhooks with one failure reports it and keeps it selected', async ({ page, request }) => {
  const { tenant, token } = seededTenant(40);
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token, '?size=50');
  await expect(list.rows).toHaveCount(40);
  const names = await list.names();
  const failing = names[12];
  const failingLocator = (await (await request.get(`/event/${tenant}/webhooks/list?count=100`, { headers: { Authorization: `Bearer ${token}` } })).json())
    .find((w: { name: string }) => w.name === failing).locator;
  let inFlight = 0;
  let mostInFlight = 0;
  await page.route('**/event/**', async (route) => {
    if (route.request().method() !== 'PATCH') return route.continue();
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 40));
    if (route.request().url().endsWith(failingLocator)) {
      await route.fulfill({ status: 500, contentType: 'application/json', body: '{"httpStatus":500,"message":"disk full"}' });
    } else {
      await route.continue();
    }
    inFlight--;
  });

  await list.rows.nth(0).getByRole('checkbox').click();
  await list.rows.nth(29).getByRole('checkbox').click({ modifiers: ['Shift'] });
  await expect(page.getByText('30 selected', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Disable selected' }).click();

  const report = page.getByTestId('bulk-report');
  await expect(report).toContainText('Disable: 29 succeeded, 1 failed.');
  await expect(report).toContainText(`${failing}: The API failed (500): disk full`);
  await expect(page.getByText('1 selected', { exact: true })).toBeVisible();
  await expect(list.row(failing).getByRole('checkbox')).toBeChecked();
  expect(mostInFlight).toBeLessThanOrEqual(4);
  expect(mostInFlight).toBeGreaterThan(1);
  for (const name of names.slice(0, 30).filter((n) => n !== failing)) {
    await expect(list.row(name)).toContainText(/Disabled|Suspended/);
  }
  const stored = await (await request.get(`/event/${tenant}/webhooks/list?count=100`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(stored.slice(0, 30).filter((w: { enabled: boolean }) => w.enabled).map((w: { name: string }) => w.name)).toEqual([failing]);
});

test('keyboard only: reach a row menu and disable a webhook', async ({ page }) => {
  const { tenant, token } = freshTenant();
  const list = new WebhookListPage(page);
  await page.request.post(`/event/${tenant}/webhooks`, { headers: { Authorization: `Bearer ${token}` }, data: { name: 'Keys', endpoint: { url: 'https://k.example.com/' } } });
  await list.openWithToken(tenant, token);
  await expect(list.row('Keys')).toContainText('Active');
  const menu = page.getByLabel('Actions for Keys', { exact: true });
  await tabTo(page, menu, 40);
  await page.keyboard.press('Enter');
  // As a user would: the menu shows its items, then Tab moves into them.
  await expect(list.row('Keys').getByRole('link', { name: 'View' })).toBeVisible();
  await page.keyboard.press('Tab'); // View
  await page.keyboard.press('Tab'); // Edit
  await page.keyboard.press('Tab'); // Disable
  await expect(list.row('Keys').getByRole('button', { name: 'Disable' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(list.row('Keys')).toContainText('Disabled');
});

test('a part of the console that cannot be fetched says so, and "Try again" fetches it', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.request.post(`/event/${tenant}/webhooks`, { headers: { Authorization: `Bearer ${token}` }, data: { name: 'Offline', endpoint: { url: 'https://o.example.com/' } } });
  // The row actions come in a wasm chunk of their own (src/widgets/lazy.rs), fetched on first need.
  let offline = true;
  await page.route(/-table_actions\.wasm$/, (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token);
  await page.getByLabel('Actions for Offline', { exact: true }).click();
  const alert = list.row('Offline').getByRole('alert');
  await expect(alert).toContainText('could not be loaded. Check your connection and try again');
  offline = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await list.row('Offline').getByRole('button', { name: 'Disable', exact: true }).click();
  await expect(list.row('Offline')).toContainText('Disabled');
});

test('a row menu whose actions are still being fetched says so, then shows them', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.request.post(`/event/${tenant}/webhooks`, { headers: { Authorization: `Bearer ${token}` }, data: { name: 'Slow', endpoint: { url: 'https://s.example.com/' } } });
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/-table_actions\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token);
  await page.getByLabel('Actions for Slow', { exact: true }).click();
  await expect(list.row('Slow').getByText('Loading…')).toBeVisible();
  release();
  await expect(list.row('Slow').getByRole('button', { name: 'Delete', exact: true })).toBeVisible();
  await expect(list.row('Slow').getByText('Loading…')).toHaveCount(0);
});

test('without webhooks.write, write actions are disabled after the first 403, saying why', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Read only', url: 'https://ro.example.com/' });
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, issueToken(tenant, ['webhooks.read', 'webhooks.list']));
  await list.rowAction('Read only', 'Disable');
  await expect(page.getByTestId('toasts')).toContainText('lacks the permission webhooks.write');
  await page.getByLabel('Actions for Read only', { exact: true }).click();
  const disable = list.row('Read only').getByRole('button', { name: 'Disable' });
  await expect(disable).toBeDisabled();
  await expect(disable).toHaveAttribute('title', 'Your token lacks the permission webhooks.write');
});

test('the list, its bulk bar and a dialog are accessible', async ({ page }) => {
  const { tenant, token } = seededTenant(12);
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token);
  await expect(list.rows).toHaveCount(12);
  await list.rows.nth(1).getByRole('checkbox').click();
  await expectAccessible(page, 'list with a selection');
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await expect(list.dialog).toBeVisible();
  await expectAccessible(page, 'delete dialog');
  await list.dialog.getByRole('button', { name: 'Cancel' }).click();
  await list.toggleEventType('billing.payment.post');
  await expectAccessible(page, 'event type filter open');
});
