import { expect, test } from './fixtures/test';
import { expectAccessible, useTheme } from './fixtures/axe';
import { ConnectPage } from './fixtures/connect-page';
import { createWebhook, freshTenant, issueToken } from './fixtures/server';
import { WebhookListPage } from './fixtures/webhook-list-page';
import { LINK_QUESTION, openByLink } from './fixtures/sign-in';

test.describe('connection page', () => {
  test('connects with a valid token and goes to the tenant', async ({ page, request }) => {
    const { tenant, token } = freshTenant();
    await createWebhook(request, tenant, token, { name: 'Connected hook', url: 'https://c.example.com/' });
    const connect = new ConnectPage(page);
    await connect.open();
    await connect.fill(token, tenant);
    await connect.test.click();
    await expect(connect.outcome).toContainText('this token can list the webhooks of tenant');
    await connect.connect.click();

    await expect(page).toHaveURL(`/tenants/${tenant}/webhooks`);
    await expect(new WebhookListPage(page).row('Connected hook')).toBeVisible();
    await expect(page.getByTestId('current-tenant')).toContainText(tenant);
    await expect(page.getByTestId('environment')).toHaveText('Reference server (same origin)');
    await expect(page.getByTestId('toasts')).toContainText('Connected to');
    expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBe(token);
    expect(await page.evaluate(() => localStorage.getItem('webhooks.token'))).toBeNull();
    expect(page.url()).not.toContain(token);
  });

  test('"remember on this device" keeps the token in localStorage instead', async ({ page }) => {
    const { tenant, token } = freshTenant();
    const connect = new ConnectPage(page);
    await connect.open();
    await connect.fill(token, tenant);
    await connect.remember.check();
    await connect.connect.click();
    await expect(page).toHaveURL(`/tenants/${tenant}/webhooks`);
    expect(await page.evaluate(() => localStorage.getItem('webhooks.token'))).toBe(token);
    expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBeNull();
  });

  test('a wrong token gets a clear message and the page stays', async ({ page }) => {
    const { tenant } = freshTenant();
    const connect = new ConnectPage(page);
    await connect.open();
    await connect.fill('whk_not-a-real-token', tenant);
    await connect.connect.click();
    await expect(connect.outcome).toContainText('did not accept your token (401)');
    await expect(page).toHaveURL('/connect');
    await expect(connect.token).toHaveValue('whk_not-a-real-token');
  });

  test('a token lacking webhooks.list is told so by name', async ({ page }) => {
    const { tenant } = freshTenant();
    const connect = new ConnectPage(page);
    await connect.open();
    await connect.fill(issueToken(tenant, ['webhooks.read']), tenant);
    await connect.test.click();
    await expect(connect.outcome).toContainText('lacks the permission webhooks.list (403)');
  });

  test('an unreachable API is reported as such', async ({ page }) => {
    const { tenant, token } = freshTenant();
    await page.route('**/event/**', (route) => route.abort('connectionrefused'));
    const connect = new ConnectPage(page);
    await connect.open();
    await connect.fill(token, tenant);
    await connect.connect.click();
    await expect(connect.outcome).toContainText('could not be reached');
    await expect(page).toHaveURL('/connect');
  });

  test('an API on another origin that gives no answer points to CORS and the hosting section', async ({ page }) => {
    const { tenant, token } = freshTenant();
    const elsewhere = 'https://ec.example.test';
    await page.route('**/config.json', (route) =>
      route.fulfill({ json: { apiBaseUrl: '', environments: [{ name: 'Elsewhere', apiBaseUrl: elsewhere }] } }),
    );
    // Nothing may leave the machine: the call is refused before it goes out.
    await page.route(`${elsewhere}/**`, (route) => route.abort('failed'));
    const connect = new ConnectPage(page);
    await connect.open();
    await page.getByLabel('Environment').selectOption(elsewhere);
    await connect.fill(token, tenant);
    await connect.test.click();
    await expect(connect.outcome).toContainText(`The API at ${elsewhere} could not be reached`);
    await expect(connect.outcome).toContainText('CORS settings');
    await expect(connect.outcome).toContainText('Hosting dist/');
  });

  test('fields are checked as the user leaves them', async ({ page }) => {
    const connect = new ConnectPage(page);
    await connect.open();
    await connect.tenant.fill('not-a-uuid');
    await connect.tenant.blur();
    await expect(page.getByText('is not a tenant locator: expected a UUID')).toBeVisible();
    await expect(connect.tenant).toHaveAttribute('aria-invalid', 'true');
    await connect.baseUrl.fill('https://elsewhere.example.com');
    await connect.baseUrl.blur();
    await expect(page.getByText('may only call the origins listed in its config.json')).toBeVisible();
    await connect.connect.click();
    await expect(page.getByText('enter the bearer token you were given')).toBeVisible();
    await expect(page).toHaveURL('/connect');
  });
});

test('a 401 mid-session leads to the connection page and back to where the user was', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  const hook = await createWebhook(request, tenant, token, { name: 'Deep', url: 'https://d.example.com/' });
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, 'whk_expired');
  await expect(page).toHaveURL(/\/connect\?next=/);
  const connect = new ConnectPage(page);
  await expect(connect.tenant).toHaveValue(tenant);
  // The refused token is forgotten, not kept for the next visit.
  expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBeNull();
  await expect(connect.token).toHaveValue('');
  await connect.token.fill(token);
  await connect.connect.click();
  await expect(page).toHaveURL(`/tenants/${tenant}/webhooks`);
  await expect(list.row('Deep')).toBeVisible();

  await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}`);
  await expect(page.getByRole('heading', { name: 'Deep' })).toBeVisible();
});

test('a deep link opened without a session asks to sign in, then goes there', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  const hook = await createWebhook(request, tenant, token, { name: 'Deep edit', url: 'https://de.example.com/' });
  await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}/edit`);
  await expect(page).toHaveURL(/\/connect\?next=/);
  const connect = new ConnectPage(page);
  await expect(page.getByRole('note')).toContainText('Sign in to go back to the page you were on.');
  await expect(connect.tenant).toHaveValue(tenant);
  await connect.token.fill(token);
  await connect.connect.click();
  await expect(page).toHaveURL(`/tenants/${tenant}/webhooks/${hook.locator}/edit`);
  await expect(page.getByRole('heading', { name: 'Edit “Deep edit”' })).toBeVisible();
});

test('a token link never silently replaces another session: it asks, naming the tenant', async ({ page }) => {
  const mine = freshTenant();
  const theirs = freshTenant();
  const list = new WebhookListPage(page);
  await list.openWithToken(mine.tenant, mine.token);
  await expect(page.getByTestId('current-tenant')).toContainText(mine.tenant);

  await page.goto(`/tenants/${theirs.tenant}/webhooks#token=${theirs.token}`);
  const dialog = page.getByRole('dialog', { name: "Sign in with this link's token?" });
  await expect(dialog).toContainText(`a token for tenant ${theirs.tenant}`);
  await expect(dialog).toContainText(`tenant ${mine.tenant}`);
  expect(page.url()).not.toContain(theirs.token);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBe(mine.token);

  await page.goto(`/tenants/${theirs.tenant}/webhooks#token=${theirs.token}`);
  await page.getByRole('dialog').getByRole('button', { name: "Use the link's token" }).click();
  await expect(page.getByTestId('empty-list')).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBe(theirs.token);
  expect(page.url()).not.toContain(theirs.token);
});

test('a token link with no session open asks too, naming the tenant; Cancel goes to the connection page', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await page.goto(`/tenants/${tenant}/webhooks#token=${token}`);
  const dialog = page.getByRole('dialog', { name: LINK_QUESTION });
  await expect(dialog).toContainText(`a token for tenant ${tenant}`);
  expect(page.url()).not.toContain(token);
  expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBeNull();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/connect\?next=/);
  expect(await page.evaluate(() => sessionStorage.getItem('webhooks.token'))).toBeNull();
});

test('a deep link works on reload', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  const hook = await createWebhook(request, tenant, token, { name: 'Linked', url: 'https://l.example.com/x' });
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}`, token);
  await expect(page.getByRole('heading', { name: 'Linked' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Linked' })).toBeVisible();
  await expect(page.getByTestId('webhook-fields')).toContainText('https://l.example.com/x');
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('the theme toggle switches and persists across reloads', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await new WebhookListPage(page).openWithToken(tenant, token);
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/\blight\b/);
});

test('the system preference picks the first theme', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto('/connect');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await context.close();
});

test('the app runs under a strict Content-Security-Policy', async ({ page, request }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
  });
  const { tenant, token } = freshTenant();
  await createWebhook(request, tenant, token, { name: 'Under CSP', url: 'https://csp.example.com/' });
  await new WebhookListPage(page).openWithToken(tenant, token);
  await expect(new WebhookListPage(page).row('Under CSP')).toBeVisible();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).toContain("connect-src 'self'");
  expect(policy).not.toContain('unsafe-inline');
  expect(await page.locator('script:not([src])').count()).toBe(0);
  expect(violations).toEqual([]);
});

test.describe('failures show their message and the app stays usable', () => {
  const cases = [
    { name: '429', fulfil: { status: 429, headers: { 'Retry-After': '30' }, body: '' }, message: 'Try again in 30 s' },
    { name: '500', fulfil: { status: 500, contentType: 'application/json', body: '{"httpStatus":500,"message":"database on fire"}' }, message: 'The API failed (500): database on fire' },
    { name: 'non-JSON body', fulfil: { status: 200, contentType: 'text/html', body: '<html>proxy login</html>' }, message: 'could not be read' },
  ];
  for (const { name, fulfil, message } of cases) {
    test(name, async ({ page, request }) => {
      const { tenant, token } = freshTenant();
      await createWebhook(request, tenant, token, { name: 'Recovers', url: 'https://r.example.com/' });
      await page.route('**/event/**', (route) => route.fulfill(fulfil));
      const list = new WebhookListPage(page);
      await list.openWithToken(tenant, token);
      await expect(list.error).toContainText(message);
      await page.unroute('**/event/**');
      await page.getByRole('button', { name: 'Try again' }).click();
      await expect(list.row('Recovers')).toBeVisible();
    });
  }

  test('a request that hangs times out after 15 seconds', async ({ page, request }) => {
    const { tenant, token } = freshTenant();
    await createWebhook(request, tenant, token, { name: 'After timeout', url: 'https://t.example.com/' });
    await page.clock.install();
    let hung = true;
    await page.route('**/event/**', async (route) => {
      if (hung) return; // never answered
      await route.continue();
    });
    const list = new WebhookListPage(page);
    await list.openWithToken(tenant, token);
    await expect(page.locator('.progress.active')).toBeVisible();
    await page.clock.fastForward(15_500);
    await expect(list.error).toContainText('did not answer within 15 seconds');
    hung = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(list.row('After timeout')).toBeVisible();
  });
});

test.describe('accessibility (WCAG 2.1 A and AA)', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`connection page, list, detail, error and not-found in the ${theme} theme`, async ({ page, request }) => {
      const { tenant, token } = freshTenant();
      const hook = await createWebhook(request, tenant, token, { name: 'Accessible', url: 'https://a.example.com/', eventTypes: ['billing.invoice.generate'] });
      const list = new WebhookListPage(page);
      await list.openWithToken(tenant, token);
      await expect(list.row('Accessible')).toBeVisible();
      await useTheme(page, theme);
      await expectAccessible(page, 'list');

      await page.goto('/connect');
      await expect(page.getByRole('heading', { name: 'Connect to an EC API' })).toBeVisible();
      await page.getByLabel('Tenant locator').fill('bad');
      await page.getByLabel('Tenant locator').blur();
      await expectAccessible(page, 'connection page with an error');

      await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}`);
      await expect(page.getByRole('heading', { name: 'Accessible' })).toBeVisible();
      await expectAccessible(page, 'detail');

      await page.route('**/event/**', (route) => route.fulfill({ status: 500, body: '' }));
      await page.goto(`/tenants/${tenant}/webhooks`);
      await expect(list.error).toBeVisible();
      await expectAccessible(page, 'error state');
      await page.unroute('**/event/**');

      await page.goto('/nowhere');
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await expectAccessible(page, 'not found');
    });
  }
});
