// The completeness frontier: the merged view never shows partial data as the period.
import { test, expect, rows, settled, column } from './helpers';

/** The instant in "complete back to …" of the row count, as milliseconds. */
async function completeBackTo(page: import('@playwright/test').Page): Promise<number> {
  const text = (await page.locator('.row-count').textContent()) ?? '';
  const match = text.match(/complete back to (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/);
  expect(match, `row count "${text}" states the frontier`).not.toBeNull();
  return Date.parse(`${match![1].replace(' ', 'T')}Z`);
}

/** "N rows loaded", as the sources' one line says. */
async function rowsLoaded(page: import('@playwright/test').Page): Promise<number> {
  const text = (await page.locator('.sources-summary > summary').textContent()) ?? '';
  return Number(text.match(/(\d+) rows loaded/)?.[1]);
}

test('first pages only: the page says how far back it is complete, and Load older moves that back in place', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('logdeck.fill-budget', '0'));
  await page.goto('/?period=30d&tz=utc');
  await settled(page);
  await expect(page.locator('.frontier-note')).toContainText(/Complete back to .* not loaded yet/);
  // Why the frontier rests: the background fill's budget (0 rows here) is spent.
  await expect(page.locator('.frontier-note')).toContainText('Loading in the background stops at 0 rows');
  const frontier = await completeBackTo(page);
  // No row older than the frontier is shown as if the period were complete.
  const times = await rows(page).locator('td:nth-child(1)').allTextContents();
  for (const time of times) expect(Date.parse(`${time.replace(' ', 'T')}Z`)).toBeGreaterThan(frontier);
  // The chart draws the span not loaded yet as such, with a legend.
  await expect(page.locator('.bar-hit.bar-unloaded').first()).toBeAttached();
  await expect(page.locator('.volume-note')).toContainText('not loaded yet');

  const top = await rows(page).first().getAttribute('data-key');
  const loaded = await rowsLoaded(page);
  await page.getByRole('button', { name: 'Load older' }).click();
  // A click reads a stretch of the period (about 5000 rows; the line counts
  // the rows read, less any a source sent twice), not a page per source (800).
  await expect.poll(() => rowsLoaded(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(loaded + 4000);
  await settled(page);
  await expect.poll(() => completeBackTo(page)).toBeLessThan(frontier);
  expect(await rows(page).first().getAttribute('data-key')).toBe(top);
  // Then the fill rests again, at the rows granted.
  await expect(page.locator('.frontier-note')).toContainText(/Loading in the background stops at \d{4,} rows/);
});

test('a period loaded whole states a bare count and no frontier', async ({ page }) => {
  await page.goto('/?period=1h&tz=utc');
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(/^\s*\d+ rows?\s*$/);
  await expect(page.locator('.frontier-note')).toHaveCount(0);
  await expect(page.locator('.volume-note')).toHaveCount(0);
  // A y-axis scale and a legend of the statuses drawn.
  expect(Number(await page.locator('.volume-y span').first().textContent())).toBeGreaterThan(0);
  await expect(page.locator('.volume-statuses li').first()).toBeVisible();
});

test('a search on partial data says what it searched, and can search the whole period', async ({ page }) => {
  await page.addInitScript(() => {
    localStorage.setItem('logdeck.fill-budget', '0');
    localStorage.setItem('logdeck.search-reads', '0');
  });
  // Dify's keyword runs on its server: its count is the view's, and the page says
  // about how many rows the period holds; Make's logs give no count.
  await page.goto('/?period=7d&tz=utc&type=dify-workflows');
  await settled(page);
  await expect(page.locator('.row-count')).toContainText(/about \d+ in the period/);
  await page.goto('/?period=7d&tz=utc&type=make-scenarios&q=no-such-text-anywhere');
  await settled(page);
  await expect(page.locator('.row-count')).toContainText('total for the period unknown');
  const note = page.locator('.frontier-note:not(.unread-messages)');
  await expect(note).toContainText(/No logs match these filters among the \d+ rows loaded/);
  // Failed runs' messages are read by a call each: the search has not looked
  // in those, and says so.
  const unread = page.locator('.unread-messages');
  await expect(unread).toContainText(/\d+ runs' messages are not read yet/);
  await page.getByRole('button', { name: 'Search the whole period' }).click();
  await expect(note).toHaveCount(0, { timeout: 30_000 });
  // The whole period is loaded, but not every message in it is read: no
  // "nothing in this period" while the search has not looked everywhere.
  await expect(unread).toContainText(/\d+ runs' messages are not read yet/);
  await expect(page.getByText('No logs match these filters in this period.')).toHaveCount(0);
});

test('sorting partial data by anything but time says it sorts the loaded rows', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('logdeck.fill-budget', '0'));
  await page.goto('/?period=7d&tz=utc&sort=duration');
  await settled(page);
  await expect(page.locator('.sort-note')).toContainText(/sorted among the \d+ loaded rows/);
  await page.goto('/?period=7d&tz=utc');
  await settled(page);
  await expect(page.locator('.sort-note')).toHaveCount(0);
});

test('a source slow with its first page holds no other rows back: it is named, and its rows join when they come', async ({ page }) => {
  let slowed = 0;
  await page.route(/\/demo\/aitronos\/v1\/personal-connectors\/logs/, (route) => {
    if (slowed++ > 0) return route.continue();
    return route.continue({ headers: { ...route.request().headers(), 'x-api-key': 'fault-slow-9000' } });
  });
  await page.goto('/?period=1h&tz=utc&type=dify-workflows,aitronos-connectors');
  // The others' rows show while the connector runs' first page is late.
  await expect(page.locator('.row-count')).toContainText(/^\d+ rows? · without 1 source still loading/, { timeout: 8_000 });
  await expect(rows(page).first()).toBeVisible();
  await expect(page.locator('.frontier-note')).toContainText('Rows of 1 source still loading are not shown yet: they join the table with its first page.');
  // Named in the sources' one line, which does not grow.
  await expect(page.locator('.sources-summary > summary')).toContainText(/Aitronos.* without a first page yet/);
  await expect(page.locator('.sources.attention .source')).toHaveCount(0);
  // A bar read alone says so too, not only the legend.
  await expect(page.locator('.volume-chart .bar').last()).toHaveAttribute('aria-label', /, without 1 source still loading$/);
  expect(new Set(await column(page, 3))).not.toContain('Aitronos connectors');
  // It answers: its rows join and the count is bare again.
  await expect(page.locator('.source.loading')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator('.row-count')).toHaveText(/^\s*\d+ rows?\s*$/, { timeout: 15_000 });
  await expect.poll(async () => new Set(await column(page, 3)).has('Aitronos connectors'), { timeout: 10_000 }).toBe(true);
});

test('the older rows loaded show on request, shaded, counted apart, and the link keeps them shown', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('logdeck.fill-budget', '0'));
  await page.goto('/?period=30d&tz=utc&sort=-time');
  await settled(page);
  const count = async () => ((await page.locator('.row-count').textContent()) ?? '');
  const shown = async () => Number((await count()).match(/^(\d+) rows/)?.[1]);
  const complete = await shown();
  const frontier = await completeBackTo(page);
  await page.getByRole('button', { name: 'Show the older rows loaded' }).click();
  await expect(page).toHaveURL(/older=shown/);
  await expect.poll(count).toMatch(/ · complete back to [^·]+ · \d+ of them older than that, not every source read so far back \(shaded\) · /);
  const older = Number((await count()).match(/ · (\d+) of them older than that/)?.[1]);
  expect(older).toBeGreaterThan(0);
  // The complete part is unchanged: the older rows come on top of it.
  expect(await shown()).toBe(complete + older);
  expect(await completeBackTo(page)).toBe(frontier);
  // A pasted link shows them too (the period, relative, has moved on).
  await page.reload();
  await settled(page);
  await expect.poll(count).toMatch(/of them older than that/);
  const reloaded = await shown();
  const olderNow = Number((await count()).match(/ · (\d+) of them older than that/)?.[1]);
  await page.getByRole('button', { name: 'Hide the older rows loaded' }).click();
  await expect(page).not.toHaveURL(/older=/);
  await expect.poll(shown).toBe(reloaded - olderNow);
});

test('the older rows are shaded, and only they', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('logdeck.fill-budget', '0'));
  // Oldest first: the older rows loaded come first.
  await page.goto('/?period=30d&tz=utc&sort=time&older=shown');
  await settled(page);
  const frontier = await completeBackTo(page);
  const faint = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.classList.contains('older')));
  const times = await column(page, 1);
  expect(faint.some(Boolean)).toBe(true);
  times.forEach((time, index) => {
    const at = Date.parse(`${time.replace(' ', 'T')}Z`);
    // Both to the second: a row in the frontier's own second may be either.
    if (at !== frontier) expect(faint[index], `row at ${time}`).toBe(at < frontier);
  });
});
