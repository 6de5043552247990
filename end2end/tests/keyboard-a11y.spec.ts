import { expect, test } from './fixtures/test';
import { expectAccessible, useTheme } from './fixtures/axe';
import { tabTo } from './fixtures/keyboard';
import { createWebhook, freshTenant } from './fixtures/server';
import { suspendedWebhook } from './fixtures/suspended';
import { openByLink } from './fixtures/sign-in';

test('keyboard only: create a webhook from the empty list', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  await openByLink(page, `/tenants/${tenant}/webhooks`, token);
  await expect(page.getByTestId('empty-list')).toBeVisible();

  await tabTo(page, page.getByRole('link', { name: 'New webhook' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'New webhook' })).toBeVisible();
  await tabTo(page, page.getByLabel('Name', { exact: true }));
  await page.keyboard.type('Typed only');
  await tabTo(page, page.getByLabel('URL', { exact: true }));
  await page.keyboard.type('https://keys.example.com/in');
  await tabTo(page, page.getByLabel('Search event types'));
  await page.keyboard.type('invoice.settle');
  await tabTo(page, page.getByRole('checkbox', { name: 'billing.invoice.settle' }));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByLabel('Divert: keep failed events for resending'));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Create webhook' }));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1 })).toContainText('Typed only');
  const [stored] = await (await request.get(`/event/${tenant}/webhooks/list`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(stored.name).toBe('Typed only');
  expect(stored.endpoint.url).toBe('https://keys.example.com/in');
  expect(stored.eventTypes).toEqual(['billing.invoice.settle']);
  expect(stored.failureHandling.divert).toBe(true);
});

test('keyboard only: edit a webhook from its detail page', async ({ page, request }) => {
  const { tenant, token } = freshTenant();
  const hook = await createWebhook(request, tenant, token, { name: 'Before', url: 'https://k.example.com/' });
  await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}`, token);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Before');

  await tabTo(page, page.getByRole('link', { name: 'Edit', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Edit “Before”' })).toBeVisible();
  await tabTo(page, page.getByLabel('Name', { exact: true }));
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('After');
  await tabTo(page, page.getByLabel('Enabled: deliver events to the endpoint'));
  await page.keyboard.press('Space');
  await expect(page.getByTestId('patch-body')).toContainText('"enabled": false');
  // The catalog's groups are folded: Save is a few dozen Tabs away, not two hundred.
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await tabTo(page, page.getByRole('button', { name: 'Save changes' }));
  await page.keyboard.press('Enter');
  expect((await patch).postDataJSON()).toEqual({ name: 'After', enabled: false });
  await expect(page.getByTestId('toasts')).toContainText('Saved “After”.');
});

for (const theme of ['light', 'dark'] as const) {
  test(`accessible in the ${theme} theme: empty list, create form, create with errors`, async ({ page }) => {
    const { tenant, token } = freshTenant();
    await openByLink(page, `/tenants/${tenant}/webhooks`, token);
    await expect(page.getByTestId('empty-list')).toBeVisible();
    await useTheme(page, theme);
    await expectAccessible(page, `empty list (${theme})`);

    await page.getByRole('link', { name: 'New webhook' }).click();
    await expect(page.getByLabel('Name', { exact: true })).toBeVisible();
    await expectAccessible(page, `create form (${theme})`);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect(page.getByTestId('error-summary')).toBeVisible();
    await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
    // Each field's message is its accessible description.
    await expect(page.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/\S/);
    await expect(page.getByLabel('URL', { exact: true })).toHaveAccessibleDescription(/\S/);
    await expectAccessible(page, `create form with errors (${theme})`);
  });

  test(`accessible in the ${theme} theme: edit review, raw JSON, unsuspend dialog`, async ({ page, request }) => {
    const { tenant, token } = freshTenant();
    const hook = await createWebhook(request, tenant, token, { name: 'Reviewed', url: 'https://r.example.com/' });
    await openByLink(page, `/tenants/${tenant}/webhooks/${hook.locator}/edit`, token);
    await useTheme(page, theme);
    await page.getByLabel('Name', { exact: true }).fill('Reviewed again');
    await expect(page.getByTestId('patch-body')).toContainText('Reviewed again');
    await expectAccessible(page, `edit form with its review panel (${theme})`);

    const suspended = await suspendedWebhook(request, 1);
    await openByLink(page, `/tenants/${suspended.tenant}/webhooks/${suspended.locator}?tab=json`, suspended.token);
    // A link with another tenant's token asks before replacing the session (openByLink answers).
    await expect(page.getByTestId('raw-json')).toContainText('"suspended": true');
    await expectAccessible(page, `raw JSON (${theme})`);
    await page.getByTestId('suspension-banner').getByRole('button', { name: 'Unsuspend' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page, `unsuspend dialog (${theme})`);
  });
}
