// The connections screen, where keys go (and do not), and accessibility audits.
import { Page } from '@playwright/test';
import { test, expect, rows, settled, accessibilityViolations } from './helpers';

/** Opens the new-connection form filled in for a Dify app, not yet saved. */
async function difyForm(page: Page, name: string, baseUrl: string, key: string) {
  await page.goto('/connections');
  await page.getByRole('button', { name: 'Add a connection' }).click();
  const form = page.getByRole('form', { name: 'New connection' });
  await form.getByLabel('Vendor').selectOption('dify');
  await form.getByLabel('App name').fill(name);
  await form.getByLabel('Base URL').fill(baseUrl);
  await form.getByLabel('API key or token (kept for this tab)').fill(key);
  return form;
}

test('a connection that would read nothing, or call a host the page may not, is pointed out before it is saved', async ({ page }) => {
  await page.goto('/connections');
  await page.getByRole('button', { name: 'Add a connection' }).click();
  const form = page.getByRole('form', { name: 'New connection' });
  await form.getByLabel('Vendor').selectOption('make');
  await form.getByLabel('Name').fill('Nothing yet');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'Add a scenario, or the organization or team id whose audit log to read: without one this connection reads nothing.');
  await expect(page.getByRole('article', { name: 'Nothing yet' })).toHaveCount(0);
  // Another vendor's form does not keep this one's complaint.
  await form.getByLabel('Vendor').selectOption('dify');
  await expect(form.getByRole('alert')).toHaveCount(0);
  await form.getByLabel('Vendor').selectOption('make');
  await form.getByLabel('Name').fill('Nothing yet');
  await form.getByLabel('Team id').fill('77');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('article', { name: 'Nothing yet' })).toHaveCount(1);

  await page.getByRole('button', { name: 'Add a connection' }).click();
  const dify = page.getByRole('form', { name: 'New connection' });
  await dify.getByLabel('Vendor').selectOption('dify');
  await dify.getByLabel('Base URL').fill('http://evil.example.com/v1');
  await expect(dify).toContainText('This server does not list evil.example.com');
  await dify.getByLabel('Base URL').fill(new URL('/demo/dify/v1', page.url()).toString());
  await expect(dify).not.toContainText('This server does not list');
});

test('add a Dify connection, test it, and keep its key out of URL, page and storage', async ({ page }) => {
  // A key never goes to an address that is not one.
  const form = await difyForm(page, 'My triage copy', 'not a url', 'demo-dify-triage-key');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toContainText('“not a url” is not a base URL');
  await expect(page.getByRole('article', { name: 'My triage copy' })).toHaveCount(0);
  await form.getByLabel('Base URL').fill(new URL('/demo/dify/v1', page.url()).toString());
  await form.getByRole('button', { name: 'Save' }).click();

  const card = page.getByRole('article', { name: 'My triage copy' });
  await expect(card).toContainText('key kept for this tab');
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByRole('status')).toContainText('Connected');

  const secret = 'demo-dify-triage-key';
  expect(page.url()).not.toContain(secret);
  expect(await page.locator('body').innerText()).not.toContain(secret);
  const local = await page.evaluate(() => JSON.stringify(window.localStorage));
  expect(local).not.toContain(secret);
  expect(local).toContain('My triage copy');
  const session = await page.evaluate(() => JSON.stringify(window.sessionStorage));
  expect(session).toContain(secret);

  await page.getByRole('link', { name: 'Logs' }).click();
  await page.goto('/?collection=My+triage+copy');
  await settled(page);
  await expect(rows(page).first()).toBeVisible();

  await page.goto('/connections');
  const saved = page.getByRole('article', { name: 'My triage copy' });
  await saved.getByLabel('API key or token').fill(secret);
  await saved.getByLabel('Remember on this device').check();
  await saved.getByRole('button', { name: 'Save key' }).click();
  await expect(saved).toContainText('key remembered on this device');
  expect(await page.evaluate(() => JSON.stringify(window.localStorage))).toContain(secret);
  await page.getByRole('button', { name: 'Forget all keys' }).click();
  expect(await page.evaluate(() => JSON.stringify(window.localStorage))).not.toContain(secret);
  expect(await page.evaluate(() => JSON.stringify(window.sessionStorage))).not.toContain(secret);
  await expect(page.getByRole('article', { name: 'My triage copy' })).toContainText('no key yet');
});

test('a source on a host the page may not call says why on the logs page, as Test connection does', async ({ page }) => {
  const form = await difyForm(page, 'Unlisted bot', 'http://127.0.0.1:9/v1', 'some-key');
  await form.getByRole('button', { name: 'Save' }).click();
  const card = page.getByRole('article', { name: 'Unlisted bot' });
  await card.getByRole('button', { name: 'Test connection' }).click();
  const policy = 'This page may not call http://127.0.0.1:9/v1: its security policy allows only hosts the Logdeck server knows.';
  await expect(card.getByRole('alert')).toContainText(policy);
  await page.getByRole('link', { name: 'Logs' }).click();
  const line = page.locator('.source.failed', { hasText: 'Unlisted bot' });
  await expect(line).toContainText(policy);
  await expect(line).toContainText('--vendor-host');
  await line.getByRole('link', { name: 'Connections' }).click();
  await expect(page).toHaveURL(/\/connections$/);
});

test('a wrong key is explained with its fix', async ({ page }) => {
  await page.goto('/connections');
  const card = page.getByRole('article', { name: 'Aitronos (demo)' });
  await card.getByLabel('API key or token').fill('not-a-key');
  await card.getByRole('button', { name: 'Save key' }).click();
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByRole('alert')).toContainText('The key was refused (401)');
  await expect(card.getByRole('alert')).toContainText('Paste a fresh token');
});

test.describe('accessibility', () => {
  // axe-core is injected as an inline script, which the app's CSP rightly blocks.
  test.use({ bypassCSP: true });

  test('no accessibility violations on the dashboard, the open detail pane and the connections screen', async ({ page }) => {
    const background = { light: 'rgb(246, 247, 249)', dark: 'rgb(18, 21, 25)' };
    for (const theme of ['light', 'dark'] as const) {
      await page.goto('/');
      await page.getByLabel('Theme').selectOption(theme);
      // The theme really applies, so the audit below checks its colours.
      await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(background[theme]);
      await settled(page);
      expect(await accessibilityViolations(page), `dashboard (${theme})`).toEqual([]);
      await rows(page).first().click();
      await expect(page.getByRole('complementary', { name: 'Record detail' })).toBeVisible();
      expect(await accessibilityViolations(page), `detail pane (${theme})`).toEqual([]);
      // A search's terms marked in the rows and the detail.
      await page.goto('/?period=24h&q=gmail+send_email');
      await settled(page);
      await rows(page).first().click();
      await expect(page.locator('.detail dd mark').first()).toBeVisible();
      expect(await accessibilityViolations(page), `marked search terms (${theme})`).toEqual([]);
      // The older rows loaded, shaded, oldest first so they are in view.
      await page.addInitScript(() => localStorage.setItem('logdeck.fill-budget', '0'));
      await page.goto('/?period=30d&sort=time&older=shown');
      await settled(page);
      await expect(rows(page).first()).toHaveClass(/older/);
      expect(await accessibilityViolations(page), `older rows (${theme})`).toEqual([]);
      await page.goto('/connections');
      await expect(page.getByRole('article').first()).toBeVisible();
      expect(await accessibilityViolations(page), `connections (${theme})`).toEqual([]);
    }
  });
});
