// The completeness frontier: the merged view never shows partial data as the period.
import { test, expect, rows, settled } from './helpers';

/** The instant in "complete back to …" of the row count, as milliseconds. */
async function completeBackTo(page: import('@playwright/test').Page): Promise<number> {
  const text = (await page.locator('.row-count').textContent()) ?? '';
  const match = text.match(/complete back to (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/);
  expect(match, `row count "${text}" states the frontier`).not.toBeNull();
  return Date.parse(`${match![1].replace(' ', 'T')}Z`);
}

test('first pages only: the page says how far back it is complete, and Load older moves that back in place', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('logdeck.fill-budget', '0'));
  await page.goto('/?period=7d&tz=utc');
  await settled(page);
  await expect(page.locator('.frontier-note')).toContainText(/Complete back to .* not loaded yet/);
  const frontier = await completeBackTo(page);
  // No row older than the frontier is shown as if the period were complete.
  const times = await rows(page).locator('td:nth-child(1)').allTextContents();
  for (const time of times) expect(Date.parse(`${time.replace(' ', 'T')}Z`)).toBeGreaterThan(frontier);
  // The chart draws the span not loaded yet as such, with a legend.
  await expect(page.locator('.bar-hit.bar-unloaded').first()).toBeAttached();
  await expect(page.locator('.volume-legend')).toContainText('not loaded yet');

  const top = await rows(page).first().getAttribute('data-key');
  await page.getByRole('button', { name: 'Load older' }).click();
  await settled(page);
  await expect.poll(() => completeBackTo(page)).toBeLessThan(frontier);
  expect(await rows(page).first().getAttribute('data-key')).toBe(top);
});

test('a period loaded whole states a bare count and no frontier', async ({ page }) => {
  await page.goto('/?period=1h&tz=utc');
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(/^\s*\d+ rows?\s*$/);
  await expect(page.locator('.frontier-note')).toHaveCount(0);
  await expect(page.locator('.volume-legend')).toHaveCount(0);
});
