// The team archive: a server that syncs the demo vendors into SQLite serves the
// dashboard from it. The browser asks the archive, never the vendors, and the
// counts are exact.
import { APIRequestContext } from '@playwright/test';
import { test, expect, rows, settled, column } from './helpers';

const archive = process.env.ARCHIVE_URL!;

/** Waits for the backfill of every stream. */
async function backfilled(request: APIRequestContext) {
  await expect
    .poll(async () => {
      const status = await (await request.get(`${archive}/archive/v1/status`)).json();
      return status.streams.length > 0 && status.streams.every((s: { syncedTo: string | null }) => s.syncedTo);
    }, { timeout: 60_000 })
    .toBe(true);
}

/** A settled span of the past, `hours` long and ending an hour ago, so the page and the API count the same rows. */
function pastSpan(hours: number): string {
  const iso = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return encodeURIComponent(`${iso(Date.now() - (hours + 1) * 3_600_000)}..${iso(Date.now() - 3_600_000)}`);
}

test('a dashboard fed by the team archive asks no vendor and counts exactly', async ({ page, request }) => {
  test.setTimeout(90_000);
  await backfilled(request);
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  const period = pastSpan(19);
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
  // "Hide check runs" says the archive cannot apply it, rather than seeming to.
  await page.locator('summary', { hasText: 'Where the Hide check runs filter is applied' }).click();
  await expect(page.locator('.hint', { hasText: 'Where the Hide check runs filter is applied' })).toContainText(
    "Make scenarios: not applied: the archive keeps Make's check runs",
  );

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
  // reads in the next 30 s do not. The page is opened once that sync is over
  // (no pass in flight could finish past the page's window end), so every
  // stream has synced only up to a moment before the period's end.
  const primed = Date.now();
  expect((await request.get(`${archive}/archive/v1/logs?period=24h&limit=1`)).ok()).toBe(true);
  await expect
    .poll(async () => {
      const status = await (await request.get(`${archive}/archive/v1/status`)).json();
      return status.streams.every(
        (s: { pass: unknown; syncedTo: string | null }) => s.pass === null && s.syncedTo && Date.parse(s.syncedTo) >= primed - 30_000,
      );
    }, { timeout: 20_000 })
    .toBe(true);
  await page.goto(`${archive}/?period=24h&tz=utc`);
  await settled(page);
  // The summary, the count, the note and the newest bar read at one instant,
  // so a failure shows the page's whole state rather than one part of it.
  const snapshot = () =>
    page.evaluate(() => {
      const text = (selector: string) => document.querySelector(selector)?.textContent?.trim() ?? '';
      const bars = document.querySelectorAll('.volume-chart .bar');
      const last = bars[bars.length - 1];
      return {
        summary: text('.sources-summary > summary'),
        count: text('.row-count'),
        note: text('.frontier-note'),
        lastBar: last?.getAttribute('aria-label') ?? '',
        lastBarClass: last?.querySelector('.bar-hit')?.getAttribute('class') ?? '',
      };
    });
  // The count is not bare, the note below the table says what is to come, and
  // the newest bar is drawn as partly loaded.
  await expect
    .poll(snapshot)
    .toEqual({
      summary: expect.stringMatching(/archive synced to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/),
      count: expect.stringMatching(/^\d+ rows? · archive synced to /),
      note: expect.stringContaining('newer rows come with its next sync'),
      lastBar: expect.stringContaining('(partly loaded)'),
      lastBarClass: expect.stringMatching(/bar-partial/),
    });
  await page.locator('.sources-summary summary').click();
  await expect(page.locator('.source', { hasText: '(archive)' }).first()).toContainText('newer rows come with its next sync');
});

test('the chart draws the archive\'s true volume over the whole period, not just the rows loaded so far', async ({ page, request }) => {
  test.setTimeout(90_000);
  await backfilled(request);
  // Only the first pages load: the table is complete only back to some instant.
  await page.addInitScript(() => localStorage.setItem('logdeck.fill-budget', '0'));
  const histograms: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/archive/v1/histogram') histograms.push(r.url());
  });
  const period = pastSpan(40);
  await page.goto(`${archive}/?period=${period}&tz=utc`);
  await settled(page);
  const answer = await (await request.get(`${archive}/archive/v1/logs?period=${period}&limit=1`)).json();
  await expect(page.locator('.row-count')).toContainText('complete back to');
  const loaded = Number(((await page.locator('.row-count').textContent()) ?? '').match(/^\s*(\d+) rows?/)![1]);
  expect(loaded, 'the table holds part of the period').toBeLessThan(answer.total);
  // Sources loaded whole count all their rows of the period, also those older
  // than the frontier; the others count what the archive says: the exact total.
  await expect(page.locator('.row-count')).toContainText(`about ${answer.total} in the period`);
  // Yet every bar is counted, none hatched or partial, and they add up to
  // the archive's exact total.
  const bars = page.locator('.volume-chart .bar');
  await expect(bars.locator('.bar-unloaded')).toHaveCount(0);
  await expect(bars.locator('.bar-partial')).toHaveCount(0);
  const labels = await bars.evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label') ?? ''));
  const counted = labels.map((label) => Number(label.match(/: (\d+) rows?\b/)?.[1] ?? NaN));
  expect(counted.reduce((sum, n) => sum + n, 0)).toBe(answer.total);
  expect(histograms.length).toBeGreaterThan(0);
  expect(new URL(histograms[0]).searchParams.get('step')).toMatch(/^\d+$/);
  // Opening a record is the view's own state: the bars stay and nothing is asked.
  const asked = histograms.length;
  await rows(page).first().click();
  await expect(page).toHaveURL(/sel=/);
  await expect(page.getByRole('complementary', { name: 'Record detail' })).toBeVisible();
  await page.waitForTimeout(500);
  expect(histograms.length).toBe(asked);
  await expect(bars.locator('.bar-unloaded')).toHaveCount(0);
});

test('an archived Make run\'s detail comes through the archive, which holds the key', async ({ page, request }) => {
  test.setTimeout(90_000);
  await backfilled(request);
  const asked: string[] = [];
  page.on('request', (r) => asked.push(r.url()));
  await page.goto(`${archive}/?period=${pastSpan(40)}&type=make-scenarios&status=error&tz=utc`);
  await settled(page);
  // Make's list carries no message: the archive reads each failed run's on screen.
  await expect.poll(async () => (await column(page, 7))[0] ?? '').toMatch(/^\w+Error: /);
  await rows(page).first().click();
  const pane = page.getByRole('complementary', { name: 'Record detail' });
  await expect(pane.getByRole('heading', { name: 'Execution' })).toBeVisible();
  await expect(pane.locator('.execution-error')).toContainText('in module');
  await expect(pane.getByRole('table', { name: 'Module logs of this execution' })).toBeVisible();
  const forwarded = asked.filter((url) => new URL(url).pathname === '/archive/v1/vendor');
  expect(forwarded.length).toBeGreaterThan(0);
  expect(asked.filter((url) => new URL(url).pathname.startsWith('/demo/')), 'no vendor call from the browser').toEqual([]);
  // The archive's key reads the stream's own detail calls, nothing else.
  const source = new URL(forwarded[0]).searchParams.get('source')!;
  const refused = await request.get(`${archive}/archive/v1/vendor?source=${encodeURIComponent(source)}&path=${encodeURIComponent('/connections')}`);
  expect(refused.status()).toBe(400);
});

test('days before the archive\'s first day are not shown as zeros', async ({ page, request }) => {
  test.setTimeout(90_000);
  await backfilled(request);
  // The archive here began two days ago; the period asks for seven.
  await page.goto(`${archive}/?period=7d&tz=utc`);
  await settled(page);
  await expect(page.locator('.frontier-note')).toContainText('older rows were never archived');
  await expect(page.locator('.row-count')).toContainText('complete back to');
  await expect(page.locator('.row-count')).toContainText('total for the period unknown');
  await expect(page.locator('.volume-chart .bar').first().locator('.bar-hit')).toHaveClass(/bar-unloaded/);
  await expect(page.locator('.volume-note')).toContainText("before the team archive's first day");
  await page.locator('.sources-summary summary').click();
  await expect(page.locator('.source', { hasText: '(archive)' }).first()).toContainText(/holds rows from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d only/);
});

test('live mode is complete no later than the archive has synced, and Hide check runs is off where the archive cannot apply it', async ({ page, request }) => {
  test.setTimeout(60_000);
  await backfilled(request);
  await page.goto(`${archive}/?period=1h&live=1&checks=hide&tz=utc`);
  await settled(page);
  // The archive keeps Make's check runs: the box is off, not ticked as if applied.
  const hide = page.getByLabel('Hide check runs');
  await expect(hide).toBeDisabled();
  await expect(hide).not.toBeChecked();
  // Still a tab stop that says why, and a press changes nothing.
  await expect(hide).toHaveAccessibleDescription(/the archive keeps Make's check runs/);
  await hide.focus();
  await expect(hide).toBeFocused();
  await hide.click({ force: true });
  await expect(hide).not.toBeChecked();
  // Nor is it counted among the filters set (a phone's filters button).
  await expect(page.locator('.filters-toggle')).toHaveText('Filters');
  // Once the live rounds pass the archive's last sync, the live state says
  // no later time than that sync, which the count names too.
  const reading = () =>
    page.evaluate(() => {
      const live = document.querySelector('.live-state')?.textContent ?? '';
      const count = document.querySelector('.row-count')?.textContent ?? '';
      const upTo = live.match(/up to (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/)?.[1];
      const synced = count.match(/archive synced to (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/)?.[1];
      if (!synced) return 'the archive is not behind';
      return upTo === synced && live.includes("the archive's last sync") ? 'capped' : `${live} | ${count}`;
    });
  await expect.poll(reading, { timeout: 40_000 }).toBe('capped');
});
