import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Page } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { expect, test } from './fixtures/test';
import { expectAccessible, useTheme } from './fixtures/axe';
import { createWebhook, freshTenant, raiseEvent } from './fixtures/server';
import { WebhookListPage } from './fixtures/webhook-list-page';
import { openByLink } from './fixtures/sign-in';

/** A webhook to the ERP receiving invoices, created through the API. */
function webhookWith(page: Page, tenant: string, token: string, name: string, failureHandling?: Record<string, unknown>) {
  const url = 'https://erp.example.com/hooks';
  return createWebhook(page.request, tenant, token, { name, url, eventTypes: ['billing.invoice.generate'], failureHandling });
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('sign deliveries with a generated secret; rotate it with the minimal PATCH', async ({ page }) => {
  const { tenant, token } = freshTenant();
  const hook = await webhookWith(page, tenant, token, 'Signed');
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
  await expect(page.getByRole('heading', { name: 'Edit “Signed”' })).toBeVisible();

  await page.getByLabel('Sign deliveries (Standard Webhooks, HMAC-SHA256)').check();
  const secret = page.getByLabel('Signing secret', { exact: true });
  await expect(secret).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Generate' }).first().click();
  const generated = await secret.inputValue();
  // The Standard Webhooks form: whsec_ + the base64 of 32 bytes.
  expect(generated).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  await expect(page.getByLabel('Secret tag', { exact: true })).toHaveValue(today());
  const review = page.getByTestId('review');
  await expect(review).toContainText(`New signing secret of the endpoint, tag ${today()}`);
  await expect(review).toContainText("Sign the endpoint's deliveries");
  // The new secret is masked in the JSON preview until revealed, and never in the URL.
  await expect(page.getByTestId('patch-body')).not.toContainText(generated);
  await review.getByRole('button', { name: 'Reveal secrets' }).click();
  await expect(page.getByTestId('patch-body')).toContainText(generated);
  await page.getByRole('button', { name: 'Reveal secret', exact: true }).first().click();
  await expect(secret).toHaveAttribute('type', 'text');

  let patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByRole('button', { name: 'Save changes' }).click();
  expect((await patch).postDataJSON()).toEqual({ endpoint: { hmacEnabled: true, secret: generated, tag: today() } });
  await expect(page.getByTestId('toasts')).toContainText('Saved “Signed”.');
  await expect(page.getByTestId('toasts')).not.toContainText(generated);
  expect(page.url()).not.toContain(generated);

  // Off and on again: nothing to send.
  await page.getByLabel('Sign deliveries (Standard Webhooks, HMAC-SHA256)').uncheck();
  await page.getByLabel('Sign deliveries (Standard Webhooks, HMAC-SHA256)').check();
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  // A rotation sends the new secret alone (the tag is already today's).
  await page.getByRole('button', { name: 'Generate' }).first().click();
  const rotated = await secret.inputValue();
  expect(rotated).not.toBe(generated);
  patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByRole('button', { name: 'Save changes' }).click();
  expect((await patch).postDataJSON()).toEqual({ endpoint: { secret: rotated } });

  await page.getByRole('link', { name: '← Back to the webhook' }).click();
  const fields = page.getByTestId('webhook-fields');
  await expect(fields).toContainText(`Yes: HMAC-SHA256, secret tag ${today()}`);
  await expect(fields).not.toContainText(rotated);
  await page.getByRole('button', { name: 'Reveal the endpoint signing secret' }).click();
  await expect(fields).toContainText(rotated);
  await page.getByText('How your endpoint verifies these requests').click();
  await expect(page.getByTestId('verify-panel')).toContainText('webhook-signature');
  const verify = page.getByTestId('verify-panel');
  await expect(verify).toContainText('from standardwebhooks import Webhook');
  await expect(verify).toContainText('hmac.compare_digest');
  // What EC leaves open is said as such, with how to see what a tenant sends.
  await expect(verify).toContainText('EC documents the signing fields (hmacEnabled, secret, tag) but not the headers it sends');
});

test('a typed tag is kept when a secret is generated; the server refusing the secret marks its field', async ({ page }) => {
  const { tenant, token } = freshTenant();
  const hook = await webhookWith(page, tenant, token, 'Refused');
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
  await page.getByLabel('Secret tag', { exact: true }).fill('rotation-7');
  await page.getByRole('button', { name: 'Generate' }).first().click();
  await expect(page.getByLabel('Secret tag', { exact: true })).toHaveValue('rotation-7');
  await page.route('**/event/**/webhooks/*', (route) =>
    route.request().method() === 'PATCH'
      ? route.fulfill({
          status: 400,
          json: { httpStatus: 400, message: 'invalid webhook', fieldErrors: { 'endpoint.secret': 'this secret was used before' } },
        })
      : route.continue(),
  );
  await page.getByRole('button', { name: 'Save changes' }).click();
  const secret = page.getByLabel('Signing secret', { exact: true });
  await expect(secret).toHaveAttribute('aria-invalid', 'true');
  await expect(secret).toHaveAccessibleDescription(/this secret was used before/);
  await expect(secret).toBeFocused();
  await expect(page.getByLabel('Secret tag', { exact: true })).toHaveValue('rotation-7');
});

test('setup health: a webhook that suspends without diverting is marked in the list and explained on its page', async ({ page }) => {
  const { tenant, token } = freshTenant();
  await webhookWith(page, tenant, token, 'Careless', { triggers: ['5xx'], divert: false, suspend: true });
  const list = new WebhookListPage(page);
  await list.openWithToken(tenant, token);
  const mark = list.row('Careless').getByTestId('health-mark');
  await expect(mark).toHaveAccessibleName(/setup warnings, the first: Suspends without diverting/);
  await expect(mark).toContainText('⚠');
  await list.row('Careless').getByRole('link', { name: 'Careless' }).click();
  const health = page.getByTestId('setup-warnings');
  await expect(health).toContainText('Suspends without diverting');
  await expect(health).toContainText('Deliveries are not signed');
  await expect(health).toContainText('Suspends without an alert endpoint');
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await expectAccessible(page, `detail with setup warnings (${theme})`);
  }
  await health.getByRole('link', { name: 'Fix: suspends without diverting' }).click();
  await expect(page).toHaveURL(/\/edit#failure-handling$/);
  await expect(page.getByRole('group', { name: 'Failure handling' })).toBeFocused();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await expectAccessible(page, `form with its security sections (${theme})`);
  }
});

/** A receiver on loopback that keeps what it is sent (headers and the raw body). */
async function receiver(): Promise<{ url: string; received: { headers: IncomingHttpHeaders; body: Buffer }[]; close: () => void }> {
  const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/in`, received, close: () => server.close() };
}

test('a delivery signed with a generated secret verifies at the receiver', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  const endpoint = await receiver();
  try {
    const hook = await createWebhook(page.request, tenant, token, {
      name: 'Verified',
      url: endpoint.url,
      eventTypes: ['billing.invoice.generate'],
    });
    await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
    await page.getByLabel('Sign deliveries (Standard Webhooks, HMAC-SHA256)').check();
    await page.getByRole('button', { name: 'Generate' }).first().click();
    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByTestId('toasts')).toContainText('Saved “Verified”.');

    const event = await raiseEvent(request, tenant, { type: 'billing.invoice.generate', data: { invoiceLocator: 'x' } });
    await expect.poll(() => endpoint.received.length, { timeout: 15_000 }).toBe(1);
    const [{ headers, body }] = endpoint.received;
    expect(headers['webhook-id']).toBe(event.locator);
    expect(headers['webhook-secret-tag']).toBe(today());
    const timestamp = Number(headers['webhook-timestamp']);
    expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(60);
    // Verified as a receiver would, with the official library (npm standardwebhooks) as
    // its documentation shows: the secret string as it is, the raw body, the headers.
    const verified = new Webhook(secret).verify(body, headers as Record<string, string>);
    expect(verified).toMatchObject({ locator: event.locator, type: 'billing.invoice.generate' });
    expect(() => new Webhook(secret).verify(Buffer.concat([body, Buffer.from(' ')]), headers as Record<string, string>)).toThrow(
      'No matching signature found',
    );
  } finally {
    endpoint.close();
  }
});
