import { expect, test } from '@playwright/test';
import { useTheme } from './fixtures/axe';
import { ConnectPage } from './fixtures/connect-page';
import { freshTenant, seededTenant } from './fixtures/server';
import { WebhookListPage } from './fixtures/webhook-list-page';

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
