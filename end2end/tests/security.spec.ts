import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, useTheme } from './fixtures/axe';
import { freshTenant } from './fixtures/server';
import { WebhookListPage } from './fixtures/webhook-list-page';

/** A webhook created through the API with `failureHandling` and `endpoint` extras as given. */
async function webhookWith(page: Page, tenant: string, token: string, name: string, extra: Record<string, unknown>) {
  const response = await page.request.post(`/event/${tenant}/webhooks`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { name, endpoint: { url: 'https://erp.example.com/hooks' }, eventTypes: ['billing.invoice.generate'], ...extra },
  });
  expect(response.ok()).toBeTruthy();
  return response.json();
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('sign deliveries with a generated secret; rotate it with the minimal PATCH', async ({ page }) => {
  const { tenant, token } = freshTenant();
  const hook = await webhookWith(page, tenant, token, 'Signed', {});
  await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}/edit#token=${token}`);
  await expect(page.getByRole('heading', { name: 'Edit “Signed”' })).toBeVisible();

  await page.getByLabel('Sign deliveries (Standard Webhooks, HMAC-SHA256)').check();
  const secret = page.getByLabel('Signing secret', { exact: true });
  await expect(secret).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Generate' }).first().click();
  const generated = await secret.inputValue();
  expect(generated).toMatch(/^[A-Za-z0-9_-]{43}$/);
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
  await expect(page.getByTestId('verify-panel')).toContainText('hmac.compare_digest');
});

test('a typed tag is kept when a secret is generated; the server refusing the secret marks its field', async ({ page }) => {
  const { tenant, token } = freshTenant();
  const hook = await webhookWith(page, tenant, token, 'Refused', {});
  await page.goto(`/tenants/${tenant}/webhooks/${hook.locator}/edit#token=${token}`);
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
  await webhookWith(page, tenant, token, 'Careless', {
    failureHandling: { triggers: ['5xx'], divert: false, suspend: true },
  });
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
