// Live mode appends: new runs arrive on top without dropping loaded rows, and
// wait, counted, while the reader is scrolled away.
import { test, expect, rows, settled } from './helpers';

/** The number in the row count ("123 rows"). */
async function rowCount(page: import('@playwright/test').Page): Promise<number> {
  const text = (await page.locator('.row-count').textContent()) ?? '';
  const match = text.match(/(\d[\d ]*) rows?/);
  expect(match, `row count "${text}"`).not.toBeNull();
  return Number(match![1].replace(/ /g, ''));
}

test('live mode appends new runs on top, and holds them while the reader scrolls', async ({ page }) => {
  // Demo runs arrive about every 30 s per app, and the test waits for two rounds of them.
  test.setTimeout(150_000);
  await page.addInitScript(() => localStorage.setItem('logdeck.live-interval', '1'));
  await page.goto('/?period=24h&type=dify-workflows&tz=utc');
  await settled(page);
  const before = await rowCount(page);
  const oldest = await page.evaluate(() => document.querySelector('table.log-table tbody tr[data-key]')?.getAttribute('data-key'));

  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/workflows/logs')) asked.push(request.url());
  });
  await page.getByRole('checkbox', { name: 'Live' }).check();
  await expect(page).toHaveURL(/live=1/);
  // Demo runs arrive about every 30 s per app: some come in on top.
  await expect.poll(() => rowCount(page), { timeout: 45_000 }).toBeGreaterThan(before);
  const grown = await rowCount(page);
  await expect(rows(page).first()).not.toHaveAttribute('data-key', oldest!);
  await expect(page.locator(`tr[data-key="${oldest}"]`)).toHaveCount(1);
  // Live rounds ask only for the last few minutes, never the whole period again.
  expect(asked.length).toBeGreaterThan(0);
  for (const url of asked) {
    const after = Date.parse(new URL(url).searchParams.get('created_at__after') ?? '');
    expect(Date.now() - after).toBeLessThan(10 * 60_000);
  }

  // Scrolled away: nothing moves under the reader; new rows are counted instead.
  await page.locator('#rows').evaluate((el) => (el.scrollTop = 320));
  await page.waitForTimeout(300);
  const reading = await rows(page).nth(12).getAttribute('data-key');
  await expect(page.locator('.live-state')).toContainText(/paused while you read · \d+ new/, { timeout: 45_000 });
  expect(await rows(page).nth(12).getAttribute('data-key')).toBe(reading);
  expect(await rowCount(page)).toBe(grown);

  const waiting = Number(((await page.locator('.live-state').textContent()) ?? '').match(/(\d+) new/)![1]);
  await page.getByRole('button', { name: /Show \d+ new rows?/ }).click();
  await expect.poll(() => rowCount(page)).toBeGreaterThanOrEqual(grown + waiting);
  expect(await page.locator('#rows').evaluate((el) => el.scrollTop)).toBe(0);

  // The link keeps live mode, and switching it off keeps every row.
  const shown = await rowCount(page);
  await page.getByRole('checkbox', { name: 'Live' }).uncheck();
  await expect(page).not.toHaveURL(/live=1/);
  expect(await rowCount(page)).toBeGreaterThanOrEqual(shown);
});

test('live mode is offered only for a period that ends now', async ({ page }) => {
  await page.goto('/?period=2026-01-01T00:00:00Z..2026-01-02T00:00:00Z&live=1');
  await settled(page);
  await expect(page.getByRole('checkbox', { name: 'Live' })).toBeDisabled();
  await expect(page.getByRole('checkbox', { name: 'Live' })).not.toBeChecked();
});

test('live mode moves the start of a relative period with its end', async ({ page }) => {
  // Fifteen minutes of the page's clock pass in a moment: rows older than
  // the moved start leave the view, though they stay loaded.
  test.setTimeout(60_000);
  await page.clock.install();
  await page.addInitScript(() => localStorage.setItem('logdeck.live-interval', '1'));
  await page.goto('/?period=15m&type=dify-workflows&tz=utc&sort=time&live=1');
  await settled(page);
  const oldestShown = async () => {
    const text = (await rows(page).first().locator('td.c-time').textContent()) ?? '';
    const match = text.match(/(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)/);
    expect(match, `time cell "${text}"`).not.toBeNull();
    return Date.parse(`${match![1]}T${match![2]}Z`);
  };
  const loadedFrom = await oldestShown();
  await page.clock.fastForward('10:00');
  const movedStart = (await page.evaluate(() => Date.now())) - 15 * 60_000;
  expect(movedStart).toBeGreaterThan(loadedFrom);
  // The next round moves the period: its oldest row is inside it.
  await expect.poll(oldestShown, { timeout: 20_000 }).toBeGreaterThanOrEqual(movedStart - 1000);
});
