// The team archive: a server that syncs the demo vendors into SQLite serves the
// dashboard from it. The browser asks the archive, never the vendors, and the
// counts are exact.
import { test, expect, rows, settled } from './helpers';

const archive = process.env.ARCHIVE_URL!;

test('a dashboard fed by the team archive asks no vendor and counts exactly', async ({ page, request }) => {
  test.setTimeout(90_000);
  // Wait for the backfill of every stream.
  await expect
    .poll(async () => {
      const status = await (await request.get(`${archive}/archive/v1/status`)).json();
      return status.streams.length > 0 && status.streams.every((s: { syncedTo: string | null }) => s.syncedTo);
    }, { timeout: 60_000 })
    .toBe(true);
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  // A settled span of the past, so the page and the API count the same rows.
  const iso = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const period = encodeURIComponent(`${iso(Date.now() - 20 * 3_600_000)}..${iso(Date.now() - 3_600_000)}`);
  await page.goto(`${archive}/?period=${period}&status=error&tz=utc`);
  await settled(page);
  await expect(page.locator('.sources-summary')).toContainText('rows loaded');
  await page.locator('.sources-summary summary').click();
  await expect(page.locator('.source', { hasText: '(archive)' }).first()).toBeVisible();
  // Each archived source says how fresh it is: this span is synced whole.
  await expect(page.locator('.source', { hasText: '(archive)' }).first()).toContainText('archive synced past this period');
  await expect(rows(page).first()).toBeVisible();
  expect(asked.filter((path) => path.startsWith('/demo/')), 'no vendor call from the browser').toEqual([]);
  expect(asked.some((path) => path === '/archive/v1/logs')).toBe(true);

  // The page's count is the archive's exact total for the same filters.
  const text = (await page.locator('.row-count').textContent()) ?? '';
  const shown = Number(text.match(/^\s*(\d+) rows?/)![1]);
  const answer = await (await request.get(`${archive}/archive/v1/logs?period=${period}&status=error&limit=1`)).json();
  expect(text.trim(), 'a whole period states a bare count').toMatch(/^\d+ rows?$/);
  expect(shown).toBe(answer.total);
  expect(shown).toBeGreaterThan(0);
});

test('a period ending now says how far the archive has synced, rather than passing its rows off as the whole period', async ({ page, request }) => {
  // A read newer than the last sync makes the archive sync its streams once;
  // reads in the next seconds do not, so the page opened now is a moment ahead.
  expect((await request.get(`${archive}/archive/v1/logs?period=24h&limit=1`)).ok()).toBe(true);
  await page.goto(`${archive}/?period=24h&tz=utc`);
  await settled(page);
  await expect(page.locator('.sources-summary > summary')).toContainText(/archive synced to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  // The count is not bare, the note below the table says what is to come, and
  // the newest bar is drawn as partly loaded.
  await expect(page.locator('.row-count')).toContainText(/\d+ rows? · archive synced to /);
  await expect(page.locator('.frontier-note')).toContainText('newer rows come with its next sync');
  await expect(page.locator('.volume-chart .bar').last().locator('.bar-hit')).toHaveClass(/bar-partial/);
  await page.locator('.sources-summary summary').click();
  await expect(page.locator('.source', { hasText: '(archive)' }).first()).toContainText('newer runs come with its next sync');
});
