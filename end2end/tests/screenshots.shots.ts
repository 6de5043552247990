import { expect, test } from '@playwright/test';
import { useTheme } from './fixtures/axe';
import { ConnectPage } from './fixtures/connect-page';
import { freshTenant } from './fixtures/server';

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
