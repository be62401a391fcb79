// The dashboard against the demo API: every source merged, filters in the URL and
// in the requests, reload/back/forward, pasted links, failures kept apart, races.
import { test, expect, rows, settled, column, shownKeys, requestsDuring, keysFromApi, LOGS_REQUEST } from './helpers';

test('demo rows from every source load, and the status filter round-trips through URL and API', async ({ page }) => {
  await page.goto('/');
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  expect(new Set(await column(page, 3)).size).toBeGreaterThan(2);
  expect(new Set(await column(page, 2)).size).toBeGreaterThan(1);

  // Audit entries are events, and the Error choice says it leaves them out.
  await expect(page.locator('label.status-event')).toHaveAttribute('title', 'Make audit log only');
  await expect(page.locator('label.status-error')).toHaveAttribute('title', 'not Make audit log');
  const requests = await requestsDuring(page, async () => {
    await page.getByRole('checkbox', { name: 'Error' }).check();
    await expect(page).toHaveURL(/[?&]status=error(&|$)/);
    await settled(page);
  });
  const params = requests.map((r) => new URL(r.url()));
  const make = params.filter((u) => u.pathname.includes('/scenarios/'));
  expect(make.length).toBe(4);
  for (const url of make) expect(url.searchParams.get('status')).toBe('3');
  for (const url of params.filter((u) => u.pathname.includes('/dify/'))) expect(url.searchParams.get('status')).toBe('failed');
  for (const url of params.filter((u) => u.pathname.includes('/aitronos/'))) expect(url.searchParams.get('status')).toBe('error');
  expect(params.some((u) => u.pathname.includes('audit-logs')), 'audit entries are never errors').toBe(false);

  expect(new Set(await column(page, 2))).toEqual(new Set(['Error']));
  // Only the rendered rows are in the DOM: compare what is shown with the API's own
  // answer after scrolling nothing, i.e. the newest rows of the merged answer.
  const expected = await keysFromApi(page, requests);
  const shown = await shownKeys(page);
  expect(shown.length).toBeGreaterThan(0);
  for (const key of shown) expect(expected).toContain(key);

  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Error' })).toBeChecked();
  await settled(page);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Error']));

  await page.goBack();
  await expect(page).not.toHaveURL(/status=/);
  await expect(page.getByRole('checkbox', { name: 'Error' })).not.toBeChecked();
  await settled(page);
  expect(new Set(await column(page, 2)).size).toBeGreaterThan(1);

  await page.goForward();
  await expect(page).toHaveURL(/[?&]status=error(&|$)/);
  await expect(page.getByRole('checkbox', { name: 'Error' })).toBeChecked();
});

test('every filter lives in the URL and back/forward walk between the views', async ({ page }) => {
  await page.goto('/');
  await settled(page);

  await page.getByLabel('Period', { exact: true }).selectOption('24h');
  await expect(page).toHaveURL(/period=24h/);
  await page.getByLabel('Time zone').selectOption('utc');
  await expect(page).toHaveURL(/tz=utc/);

  await page.getByText('Collection type: all').click();
  await page.getByRole('checkbox', { name: 'Dify workflows', exact: true }).check();
  await expect(page).toHaveURL(/type=dify-workflows/);
  await settled(page);
  expect(new Set(await column(page, 3))).toEqual(new Set(['Dify workflows']));
  // One type chosen: its column would repeat it, and gives its room to the text.
  await expect(page.locator('table.log-table th.c-type')).toBeHidden();

  await page.getByText('Collection: all').click();
  await page.getByRole('checkbox', { name: 'Support bot' }).check();
  await expect(page).toHaveURL(/collection=Support\+bot/);
  await settled(page);
  expect(new Set(await column(page, 4))).toEqual(new Set(['Support bot']));

  const client = (await column(page, 6)).find((c) => c.startsWith('session_')) ?? '';
  expect(client).not.toBe('');
  await page.getByText('Client: all').click();
  await page.getByRole('checkbox', { name: client, exact: true }).check();
  await expect(page).toHaveURL(new RegExp(`client=${encodeURIComponent(client).replace(/%20/g, '\\+')}`));
  expect(new Set(await column(page, 6))).toEqual(new Set([client]));

  await page.getByRole('button', { name: /^Duration/ }).click();
  await expect(page).toHaveURL(/sort=-duration/);

  // The browser's search finds the end user's session id, and Dify's keyword is asked too.
  const search = page.getByLabel('Search');
  await search.fill(client);
  await expect(page).toHaveURL(new RegExp(`q=${client}`));
  // Dify's server searched by its own rules as well: the page says where, beside the rows.
  await expect(page.locator('.search-scope')).toHaveText(
    `Dify workflows were also searched for “${client}” on Dify's server, over each run's inputs, outputs, ` +
    "end user's session id and run id: the runs found there show too, though their rows may not show the text.");
  const filteredUrl = page.url();

  await page.reload();
  await expect(page.getByLabel('Period', { exact: true })).toHaveValue('24h');
  await expect(page.getByLabel('Time zone')).toHaveValue('utc');
  await expect(page.getByLabel('Search')).toHaveValue(client);
  await settled(page);
  expect(new Set(await column(page, 6))).toEqual(new Set([client]));

  // The search was one step, however it was typed: back undoes it, then the sort.
  await page.goBack();
  await expect(page).toHaveURL(/sort=-duration/);
  await expect(page).not.toHaveURL(/q=/);
  await page.goBack();
  await expect(page).not.toHaveURL(/sort=-duration/);
  await page.goBack();
  await expect(page).not.toHaveURL(/client=/);
  await page.goForward();
  await page.goForward();
  await page.goForward();
  await expect(page).toHaveURL(filteredUrl);
});

test('a pasted link reopens the same rows and the same detail', async ({ page, browser }) => {
  await page.goto('/?status=warning&type=make-scenarios');
  await settled(page);
  await rows(page).nth(2).click();
  await expect(page).toHaveURL(/sel=/);
  await expect(page.getByRole('complementary', { name: 'Record detail' })).toBeVisible();
  const recordId = await page.locator('.fields dt:text-is("Record id") + dd').textContent();
  const keys = await shownKeys(page);
  const link = page.url();

  const other = await browser.newPage();
  await other.goto(link);
  await settled(other);
  await expect(other.locator('.fields dt:text-is("Record id") + dd')).toHaveText(recordId ?? '');
  expect(await shownKeys(other)).toEqual(keys);
  await expect(other.locator('tr.selected')).toHaveCount(1);
  await other.close();
});

test('a failing source shows its error and a retry while the others keep working', async ({ page }) => {
  let failing = true;
  await page.route(/\/demo\/dify\/v1\/workflows\/logs/, (route) => {
    const headers = route.request().headers();
    const support = headers['authorization']?.includes('support');
    if (failing && support) {
      // Not a rate limit or a server error: those are retried by themselves.
      return route.continue({ headers: { ...headers, authorization: 'Bearer fault-shape' } });
    }
    return route.continue();
  });
  await page.goto('/?type=dify-workflows');
  await settled(page);
  const alert = page.getByRole('alert').filter({ hasText: 'Support bot' });
  await expect(alert).toContainText('sent an unexpected answer');
  expect(new Set(await column(page, 4))).toEqual(new Set(['Ticket triage']));
  // The chart says its bars are without the failed source, rather than low.
  await expect(page.locator('.volume-note')).toContainText('Every bar is without 1 failed source');

  failing = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await settled(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect.poll(async () => new Set(await column(page, 4)).size).toBe(2);
});

test('a refused token reads as a sentence, not a blank page', async ({ page }) => {
  await page.route(/\/demo\/make\/api\/v2\/scenarios\/\d+\/logs/, (route) =>
    route.continue({ headers: { ...route.request().headers(), authorization: 'Token wrong' } }),
  );
  await page.goto('/?type=make-scenarios');
  await settled(page);
  const alerts = page.getByRole('alert');
  await expect(alerts).toHaveCount(4);
  await expect(alerts.first()).toContainText('Make answered 401 (the token was refused): Access denied');
});

test('a slow stale answer never overwrites the newer one', async ({ page }) => {
  await page.goto('/?type=make-scenarios');
  await settled(page);
  await page.route(LOGS_REQUEST, (route) => {
    const url = new URL(route.request().url());
    if (url.searchParams.get('status') === '2') {
      return route.continue({ headers: { ...route.request().headers(), authorization: 'Token fault-slow-1500' } });
    }
    return route.continue();
  });
  const warning = page.getByRole('checkbox', { name: 'Warning' });
  await warning.check();
  await expect(page).toHaveURL(/status=warning/);
  await warning.uncheck();
  await page.getByRole('checkbox', { name: 'Error' }).check();
  await expect(page).toHaveURL(/status=error/);
  await settled(page);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Error']));
  await page.waitForTimeout(2000);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Error']));
  await expect(page.locator('.source.loading')).toHaveCount(0);
});

test('sorting by a column orders the rows on screen by it, both ways', async ({ page }) => {
  await page.goto('/?period=24h&tz=utc');
  await settled(page);
  // Byte order, a row without a client first when ascending (as the core sorts).
  const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const header = page.getByRole('columnheader', { name: /^Client/ });
  await page.getByRole('button', { name: /^Client/ }).click();
  await expect(page).toHaveURL(/[?&]sort=client(&|$)/);
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  // Rows with no client (connector runs) fill the first screen.
  const ascending = await column(page, 6);
  expect(ascending).toEqual([...ascending].sort(byteOrder));

  await page.getByRole('button', { name: /^Client/ }).click();
  await expect(page).toHaveURL(/[?&]sort=-client(&|$)/);
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  const descending = await column(page, 6);
  expect(new Set(descending).size).toBeGreaterThan(1);
  expect(descending).toEqual([...descending].sort(byteOrder).reverse());
  expect(byteOrder(descending[0], ascending[0])).toBe(1);
});

test('the volume chart narrows the period to a bar', async ({ page }) => {
  await page.goto('/?period=24h');
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(/^\d+ rows?$/);
  const bar = page.locator('.volume-chart .bar').filter({ has: page.locator('rect.bar-success') }).first();
  await bar.click();
  await expect(page).toHaveURL(/period=\d{4}-\d\d-\d\dT[^&]*\.\.\d{4}/);
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  // The first bar is cut by the period's start: the narrowed period is the
  // part the bar counted, so the rows are the bar's.
  await page.goto('/?period=24h');
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(/^\d+ rows?$/);
  const edge = page.locator('.volume-chart .bar').first();
  const label = (await edge.getAttribute('aria-label')) ?? '';
  const inBar = Number(label.match(/: (\d+) rows?\b/)?.[1] ?? NaN);
  await edge.click();
  await expect(page).toHaveURL(/period=\d{4}-/);
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(new RegExp(`^${inBar} rows?$`));
  // A bar says which statuses it holds, and only those: an error-only view's
  // bars say nothing of warnings.
  await page.goto('/?period=24h&status=error');
  await settled(page);
  const labels = await page.locator('.volume-chart .bar').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('aria-label') ?? ''));
  const withRows = labels.filter((text) => /: \d+ rows?: /.test(text));
  expect(withRows.length).toBeGreaterThan(0);
  for (const text of withRows) {
    expect(text).toMatch(/: (\d+) rows?: Error \1\b/);
    expect(text).not.toContain('arning');
  }
});

test("the Client filter offers the audit log's users before any of their rows load", async ({ page }) => {
  // A day long before the demo's rows: nothing loads, so Linus can only come
  // from the audit log's /filters endpoint.
  await page.goto(`/?period=${encodeURIComponent('2020-01-01T00:00:00Z..2020-01-02T00:00:00Z')}&tz=utc`);
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(/^0 rows/);
  await page.getByText('Client: all').click();
  await expect(page.getByRole('checkbox', { name: 'Linus Torvalds', exact: true })).toBeVisible();
});

test('choosing a collection type narrows the other filters to its own choices; a long list has a find box', async ({ page }) => {
  await page.goto('/?period=24h&type=dify-workflows');
  await settled(page);
  const listed = async (label: string) => {
    await page.locator('details.multi > summary', { hasText: `${label}:` }).click();
    const names = await page.locator('details.multi[open] label.option').allTextContents();
    await page.locator('details.multi[open] > summary').click();
    return names.map((name) => name.trim());
  };
  // Dify's apps only: no Make scenario or audit team, no status Dify cannot have.
  expect((await listed('Collection')).sort()).toEqual(['Support bot', 'Ticket triage']);
  await expect(page.locator('input[name=status][value=event]')).toHaveCount(0);
  await expect(page.locator('input[name=status][value=paused]')).toHaveCount(1);
  const difyClients = await listed('Client');
  expect(difyClients).not.toContain('Linus Torvalds');
  expect(difyClients.length).toBeGreaterThan(10);

  // The Client list is long: typing narrows it, and a chosen client stays
  // listed whatever is typed, so it can be undone.
  await page.locator('details.multi > summary', { hasText: 'Client:' }).click();
  const find = page.getByRole('searchbox', { name: 'Find in the Client list' });
  await find.fill('LOVE');
  await expect(page.locator('details.multi[open] label.option')).toHaveText(['Ada Lovelace']);
  await page.getByRole('checkbox', { name: 'Ada Lovelace', exact: true }).check();
  await expect(page).toHaveURL(/client=Ada\+Lovelace/);
  await find.fill('no such client');
  await expect(page.locator('details.multi[open] label.option')).toHaveText(['Ada Lovelace']);
  // Unchosen, it no longer matches what is typed, so it leaves the list.
  await page.getByRole('checkbox', { name: 'Ada Lovelace', exact: true }).click();
  await expect(page).not.toHaveURL(/client=/);
  await expect(page.locator('details.multi[open] .none-found')).toHaveText('None matches.');

  // With Make's types the audit log's teams and events come back.
  await page.goto('/?period=24h&type=make-scenarios,make-audit');
  await settled(page);
  const makeCollections = await listed('Collection');
  expect(makeCollections).not.toContain('Support bot');
  expect(makeCollections).toContain('Finance');
  await expect(page.locator('input[name=status][value=event]')).toHaveCount(1);
  await expect(page.locator('input[name=status][value=paused]')).toHaveCount(0);
});

test('a rate limit that resolves is a countdown, never a failure, and loses no row', async ({ page }) => {
  // A fixed window: both pages ask for the same rows however long the back-off
  // takes (with "the last 24 hours", a run can enter or leave it meanwhile).
  const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
  const period = `${minute(Date.now() - 24 * 3600_000)}..${minute(Date.now() - 60_000)}`;
  const url = `/?type=make-scenarios&period=${encodeURIComponent(period)}`;
  await page.goto(url);
  await settled(page);
  const expected = await page.locator('.row-count').textContent();
  const limited = await page.context().newPage();
  // Make's 429 carries no Retry-After: the scheduler backs off by itself.
  await limited.route(/\/demo\/make\/api\/v2\/scenarios\/\d+\/logs/, (route) =>
    route.continue({ headers: { ...route.request().headers(), authorization: 'Token fault-limit-2-3' } }),
  );
  const answers: number[] = [];
  limited.on('response', (response) => {
    if (response.url().includes('/logs')) answers.push(response.status());
  });
  await limited.goto(url);
  await expect(limited.locator('.rate-limit').first()).toContainText(/resuming in \d+ s/);
  await expect(limited.locator('.source.loading')).toHaveCount(0, { timeout: 60_000 });
  await expect(limited.getByRole('alert')).toHaveCount(0);
  await expect(limited.locator('.row-count')).toHaveText(expected ?? '');
  expect(answers).toContain(429);
  await limited.close();
});

test('Hide check runs asks Make to leave them out, and the link keeps it', async ({ page }) => {
  const count = async () => parseInt((await page.locator('.row-count').textContent()) ?? '', 10);
  const asked: string[] = [];
  page.on('request', (request) => asked.push(request.url()));
  await page.goto('/?type=make-scenarios&period=24h&tz=utc');
  await settled(page);
  const all = await count();
  await page.getByLabel('Hide check runs').check();
  await expect(page).toHaveURL(/checks=hide/);
  await settled(page);
  await expect.poll(count).toBeLessThan(all);
  expect(asked.some((url) => url.includes('showCheckRuns=true'))).toBe(true);
  await page.reload();
  await settled(page);
  await expect(page.getByLabel('Hide check runs')).toBeChecked();
});

test('the table gets the screen: one line for the sources, the rest for the rows', async ({ page }) => {
  for (const [width, height, share, wholeRows] of [[1024, 768, 0.55, 16], [1280, 720, 0.6, 16], [1440, 900, 0.65, 25]] as const) {
    await page.setViewportSize({ width, height });
    await page.goto('/?period=7d');
    await settled(page);
    const table = await page.locator('.table-viewport').boundingBox();
    expect(table, 'the table is on the page').not.toBeNull();
    const visible = Math.min(table!.y + table!.height, height) - Math.max(table!.y, 0);
    expect(visible / height, `${width}×${height}: the table's share of the screen`).toBeGreaterThan(share);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    // Rows wholly on screen, without scrolling the page or the table.
    const shown = await page.evaluate((bottom) => {
      const viewport = document.querySelector('.table-viewport')!.getBoundingClientRect();
      return [...document.querySelectorAll('table.log-table tbody tr[data-key]')].filter((row) => {
        const box = row.getBoundingClientRect();
        return box.top >= viewport.top && box.bottom <= Math.min(viewport.bottom, bottom);
      }).length;
    }, height);
    expect(shown, `${width}×${height}: rows on the first screen`).toBeGreaterThanOrEqual(wholeRows);
  }
  // A tablet's table fits its width: no column is out of sight sideways, the
  // type gives its room to the text (the collection names it).
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/?period=7d');
  await settled(page);
  const viewport = page.locator('.table-viewport');
  expect(await viewport.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await expect(page.locator('table.log-table th.c-type')).toBeHidden();
  await expect(page.locator('table.log-table th.c-tokens')).toBeInViewport();
  const collection = await page.locator('table.log-table th.c-collection').boundingBox();
  expect(collection!.width, 'a text column keeps room for its words').toBeGreaterThan(90);
  // The per-source lines open over the table, and say what each source holds.
  const summary = page.locator('.sources-summary > summary');
  await expect(summary).toContainText(/8 sources · \d+ rows loaded/);
  await summary.click();
  await expect(page.locator('.sources-summary .source').first()).toBeVisible();
  // The statuses fold under one button there, so the filters keep two lines;
  // chosen through it, a status is in the link and names the button.
  await page.keyboard.press('Escape');
  const filters = await page.locator('#filters').boundingBox();
  expect(filters!.height, 'the filters at 1024 × 768 take two lines').toBeLessThan(110);
  await page.getByText('Status: all').click();
  await page.getByRole('checkbox', { name: 'Error' }).check();
  await expect(page).toHaveURL(/status=error/);
  await expect(page.locator('details.status-filter > summary')).toHaveText('Status: Error');
  await expect(page.locator('table.log-table tbody tr[data-key]').first()).toContainText('Error');
});

test("beside the detail pane the text columns get the type's room", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?type=make-scenarios&status=error&period=7d');
  await settled(page);
  await rows(page).first().click();
  await expect(page.getByRole('complementary', { name: 'Record detail' })).toBeVisible();
  await expect(page.locator('table.log-table th.c-type')).toBeHidden();
  for (const name of ['collection', 'name', 'client', 'message']) {
    const box = await page.locator(`table.log-table th.c-${name}`).boundingBox();
    expect(box!.width, `${name}: room for a few words`).toBeGreaterThan(120);
  }
  // The column chooser says which chosen columns the layout hides, and why.
  await page.getByText('Columns', { exact: true }).click();
  const chooser = page.locator('details.columns');
  await expect(chooser.locator('label', { hasText: 'Duration' })).toContainText('(hidden beside the detail)');
  await expect(chooser.locator('label', { hasText: 'Client' })).not.toContainText('hidden');
  // This view is of one type: the type column is hidden for that first.
  await expect(chooser.locator('label', { hasText: 'Collection type' })).toContainText('(hidden when one type is shown)');
});

test('on a phone nothing overflows sideways and the detail opens over the page', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?period=7d&status=error');
  await settled(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The filters wait behind one button, so rows are on the first screen.
  const filters = page.getByRole('button', { name: 'Filters · 1 set' });
  await expect(page.getByLabel('Period', { exact: true })).toBeHidden();
  const first = await rows(page).first().boundingBox();
  expect(first!.y + first!.height, 'a row on the first screen').toBeLessThan(844);
  // A row is a card: its time, collection and message on lines of their own,
  // none of them cut off sideways, and the table does not scroll sideways.
  const card = rows(page).first();
  const [time, collection, message] = await Promise.all(
    ['c-time', 'c-collection', 'c-message'].map((cell) => card.locator(`td.${cell}`).boundingBox()));
  expect(time!.y).toBeLessThan(collection!.y);
  expect(collection!.y).toBeLessThan(message!.y);
  for (const cell of [time, collection, message]) expect(cell!.x + cell!.width).toBeLessThanOrEqual(390);
  // A failed Make run's message is read by a call of its own: it may come later.
  await expect(card.locator('td.c-message')).not.toHaveText('');
  const viewport = page.locator('.table-viewport');
  expect(await viewport.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
  // The table reads the card's height: scrolled by ten cards, the eleventh is on top.
  const cardHeight = first!.height;
  expect(cardHeight).toBeGreaterThan(50);
  await viewport.evaluate((e, by) => { e.scrollTop = by; }, Math.round(cardHeight * 10));
  await expect.poll(() => page.evaluate(() => {
    const top = document.querySelector('.table-viewport')!.getBoundingClientRect().top;
    const header = document.querySelector('.log-table thead')!.getBoundingClientRect().height;
    const row = [...document.querySelectorAll('table.log-table tbody tr[data-key]')]
      .find((tr) => tr.getBoundingClientRect().bottom > top + header + 1);
    return row?.getAttribute('aria-rowindex');
  })).toBe('12');
  await viewport.evaluate((e) => { e.scrollTop = 0; });
  // Sorted by a number, a card shows it in its client's place.
  await page.goto('/?period=7d&status=error&sort=-duration');
  await settled(page);
  await expect(card.locator('td.c-duration')).toBeVisible();
  await expect(card.locator('td.c-client')).toBeHidden();
  // The header is a strip of sort chips; the one the rows are sorted by
  // comes first, in sight, whatever its column's place.
  const chips = page.locator('.log-table thead th');
  const lefts = await chips.evaluateAll((ths) => ths
    .filter((th) => th.getBoundingClientRect().width > 0)
    .map((th) => [th.textContent ?? '', th.getBoundingClientRect().left] as const));
  const leftmost = lefts.reduce((a, b) => (b[1] < a[1] ? b : a));
  expect(leftmost[0]).toMatch(/^Duration/);
  const chip = await page.locator('.log-table thead th.sorted').boundingBox();
  expect(chip!.x + chip!.width).toBeLessThanOrEqual(390);
  await page.goto('/?period=7d&status=error');
  await settled(page);
  await filters.click();
  await expect(page.getByLabel('Period', { exact: true })).toBeVisible();
  await expect(filters).toHaveAttribute('aria-expanded', 'true');
  await filters.click();
  await expect(page.getByLabel('Period', { exact: true })).toBeHidden();
  await rows(page).first().click();
  const pane = page.getByRole('complementary', { name: 'Record detail' });
  const box = await pane.boundingBox();
  expect(box, 'the detail pane is shown').not.toBeNull();
  expect(box!.y).toBeLessThanOrEqual(1);
  expect(box!.width).toBeGreaterThanOrEqual(389);
  await page.getByRole('button', { name: 'Close detail' }).click();
  await expect(pane).toHaveCount(0);
});

test('dragging across chart bars narrows the period to the span they cover', async ({ page }) => {
  await page.goto('/?period=7d&tz=utc');
  await settled(page);
  const chart = page.locator('svg.volume-chart');
  const box = (await chart.boundingBox())!;
  const bars = await page.locator('.volume-chart .bar').count();
  expect(bars).toBeGreaterThan(10);
  const slot = box.width / bars;
  // From the middle of bar 2 to the middle of bar 5 (0-based): four bars.
  await page.mouse.move(box.x + slot * 2.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + slot * 4, box.y + box.height / 2, { steps: 4 });
  await expect(page.locator('.volume-chart .brush')).toBeVisible();
  await page.mouse.move(box.x + slot * 5.5, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(page).toHaveURL(/period=\d{4}-/);
  await expect(page.locator('.volume-chart .brush')).toHaveCount(0);
  const period = decodeURIComponent(new URL(page.url()).searchParams.get('period')!);
  const [from, to] = period.split('..').map((t) => Date.parse(t));
  const week = 7 * 24 * 3600 * 1000;
  // Each bar spans the same share of the week; four of them are chosen.
  expect(Math.round(((to - from) / week) * bars)).toBe(4);
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
});

test('any IANA time zone: times, the custom range and the link follow it', async ({ page }) => {
  // A fixed period, so every load below shows the same rows.
  const now = Date.now();
  const period = `${new Date(now - 24 * 3600e3).toISOString()}..${new Date(now).toISOString()}`;
  const timesByKey = async () => {
    const keys = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')!));
    const times = await column(page, 1);
    return new Map(keys.map((key, i) => [key, Date.parse(times[i].replace(' ', 'T') + 'Z')]));
  };
  await page.goto(`/?period=${encodeURIComponent(period)}&tz=utc`);
  await settled(page);
  const utc = await timesByKey();
  // A row shown in both views (a source late with its first page under
  // load may add rows to the second only).
  const shift = async () => {
    const shared = [...(await timesByKey())].find(([key]) => utc.has(key));
    expect(shared, 'a row shown in UTC too').toBeDefined();
    const [key, shown] = shared!;
    return shown - utc.get(key)!;
  };
  // Zones are listed city first: typing the city's name in the closed list finds it.
  await expect(page.locator('#zone option[value="Asia/Tokyo"]')).toHaveText('Tokyo · Asia');
  await page.getByLabel('Time zone').focus();
  await page.keyboard.type('Tokyo');
  await expect(page).toHaveURL(/tz=Asia%2FTokyo/);
  await expect(page.getByRole('button', { name: /^Time \(Asia\/Tokyo\)/ })).toBeVisible();
  expect(await shift()).toBe(9 * 3600e3);

  // A linked name the browser's list spells otherwise (it lists Asia/Calcutta).
  await page.goto(`/?period=${encodeURIComponent(period)}&tz=Asia/Kolkata`);
  await settled(page);
  await expect(page.getByLabel('Time zone')).toHaveValue('Asia/Kolkata');
  expect(await shift()).toBe(5.5 * 3600e3);

  // The custom range is typed in the table's own 24-hour form, in that zone.
  await page.getByLabel('Period', { exact: true }).selectOption('custom');
  await page.getByLabel('From', { exact: true }).fill('2026-03-01 00:00');
  await page.getByLabel('To', { exact: true }).fill('2026-03-01 13:30');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/period=2026-02-28T18%3A30%3A00Z\.\.2026-03-01T08%3A00%3A00Z/);
  await page.reload();
  await expect(page.getByLabel('Time zone')).toHaveValue('Asia/Kolkata');
  await expect(page.getByLabel('From', { exact: true })).toHaveValue('2026-03-01 00:00');
  // A day alone is the whole day.
  await page.getByLabel('From', { exact: true }).fill('2026-03-01');
  await page.getByLabel('To', { exact: true }).fill('2026-03-02');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/period=2026-02-28T18%3A30%3A00Z\.\.2026-03-02T18%3A30%3A00Z/);
  // A start with seconds shows them: what is shown is the period.
  await page.goto(`/?period=${encodeURIComponent('2026-03-01T10:00:30Z..2026-03-01T11:00:00Z')}&tz=utc`);
  await expect(page.getByLabel('From', { exact: true })).toHaveValue('2026-03-01 10:00:30');
  await expect(page.getByLabel('To', { exact: true })).toHaveValue('2026-03-01 11:00');

  // A name typed in another letter case is the same zone, written back in
  // the browser's spelling, with no problem reported about the link.
  await page.goto(`/?period=${encodeURIComponent(period)}&tz=asia/tokyo`);
  await settled(page);
  await expect(page).toHaveURL(/tz=Asia%2FTokyo/);
  await expect(page.getByLabel('Time zone')).toHaveValue('Asia/Tokyo');
  await expect(page.getByText('Some link parameters were ignored')).toHaveCount(0);
  expect(await shift()).toBe(9 * 3600e3);

  // Typed times take the offset of their own day: Berlin is +01:00 in January
  // and +02:00 in July, whatever season the view was in.
  await page.goto('/?period=24h&tz=Europe/Berlin');
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
  await page.getByLabel('Period', { exact: true }).selectOption('custom');
  // A preset's start ("now" less 24 hours) shows to its minute, as typed.
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  // A range without length is refused, and the view stays as it was.
  await page.getByLabel('From', { exact: true }).fill('2026-01-10 13:00');
  await page.getByLabel('To', { exact: true }).fill('2026-01-10 13:00');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('alert')).toHaveText('The start must be before the end. Still shown: Last 24 hours.');
  await expect(page).toHaveURL(/period=24h/);
  await page.getByLabel('From', { exact: true }).fill('2026-01-10 13:00');
  await page.getByLabel('To', { exact: true }).fill('2026-07-10 13:00');
  // Enter in a box applies the range, as Apply does.
  await page.getByLabel('To', { exact: true }).press('Enter');
  await expect(page).toHaveURL(/period=2026-01-10T12%3A00%3A00Z\.\.2026-07-10T11%3A00%3A00Z/);

  // A zone the browser does not know: times are in UTC, the Time column says
  // UTC, and the link's notice names the zone as ignored.
  await page.goto(`/?period=${encodeURIComponent(period)}&tz=Europe/Berlinn`);
  await settled(page);
  await expect(page.getByRole('button', { name: /^Time \(UTC\)/ })).toBeVisible();
  await expect(page.getByText('Some link parameters were ignored')).toContainText('tz="Europe/Berlinn"');
  expect(await shift()).toBe(0);
});

test('a shorter period on the same day holds no row of the longer one, audit log included', async ({ page }) => {
  // Make's audit log is asked by the day and trimmed to the instant here: the
  // same request serves both periods, but not the same rows.
  // Oldest first: a row left from the longer period would lead the table.
  await page.goto('/?period=1h&type=make-audit,make-scenarios&tz=utc&sort=time');
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  await page.getByLabel('Period', { exact: true }).selectOption('15m');
  await expect(page).toHaveURL(/period=15m/);
  await settled(page);
  const earliest = Date.now() - 15 * 60e3 - 5e3;
  const times = (await column(page, 1)).map((text) => Date.parse(text.replace(' ', 'T') + 'Z'));
  expect(times.length).toBeGreaterThan(0);
  for (const time of times) expect(time).toBeGreaterThanOrEqual(earliest);
});

test('the main links change screens without reloading the app, and back returns to the same view', async ({ page }) => {
  await page.goto('/?status=error');
  await settled(page);
  await page.evaluate(() => { (window as unknown as { sameApp: boolean }).sameApp = true; });
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Logs' })).toHaveAttribute('aria-current', 'page');

  await nav.getByRole('link', { name: 'Connections' }).click();
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByRole('button', { name: 'Add a connection' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Connections' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Logs' })).not.toHaveAttribute('aria-current', 'page');

  await page.goBack();
  await expect(page).toHaveURL(/\/\?status=error$/);
  await expect(page.getByRole('checkbox', { name: 'Error' })).toBeChecked();
  await settled(page);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Error']));
  expect(await page.evaluate(() => (window as unknown as { sameApp?: boolean }).sameApp), 'the app was not reloaded').toBe(true);

  await page.goto('/nowhere');
  await expect(page.getByText('Page not found.')).toBeVisible();
});

test('a search of several words keeps the rows holding each one anywhere, and quotes keep a phrase', async ({ page }) => {
  // A fixed period, so the three searches count the same runs.
  const to = new Date(Date.now() - 60_000);
  const period = `${new Date(to.getTime() - 24 * 3600e3).toISOString()}..${to.toISOString()}`;
  const base = `/?period=${encodeURIComponent(period)}&tz=utc&type=aitronos-connectors`;
  const count = async () => {
    const line = (await page.locator('.row-count').textContent()) ?? '';
    return Number(line.match(/^(\d+) rows?\b/)?.[1] ?? NaN);
  };
  await page.goto(`${base}&q=gmail`);
  await settled(page);
  const gmail = await count();
  // The connector in one column, the tool in another.
  await page.goto(`${base}&q=${encodeURIComponent('GMAIL send_email')}`);
  await settled(page);
  const both = await count();
  expect(both).toBeGreaterThan(0);
  expect(both, 'Gmail runs of its other tool are left out').toBeLessThan(gmail);
  for (const text of await rows(page).allInnerTexts()) {
    expect(text.toLowerCase()).toContain('gmail');
    expect(text.toLowerCase()).toContain('send_email');
  }
  // Each row marks where it holds them.
  const marked = (await rows(page).first().locator('mark').allTextContents()).map((m) => m.toLowerCase());
  expect(marked).toEqual(expect.arrayContaining(['gmail', 'send_email']));
  // And so does its detail, where the vendor's text stays text.
  await rows(page).first().click();
  const pane = page.getByRole('complementary', { name: 'Record detail' });
  await expect(pane.locator('mark').first()).toBeVisible();
  const inPane = (await pane.locator('dd mark').allTextContents()).map((m) => m.toLowerCase());
  expect(inPane).toEqual(expect.arrayContaining(['gmail', 'send_email']));
  await pane.getByRole('button', { name: 'Close detail' }).click();
  // As a phrase, no single field holds the two words.
  const search = page.getByLabel('Search');
  await search.fill('"gmail send_email"');
  await search.press('Enter');
  await expect(page).toHaveURL(/q=%22gmail(\+|%20)send_email%22/);
  await settled(page);
  await expect(page.getByText('No logs match these filters in this period.')).toBeVisible();
  // The words again, typed: the same rows as the link gave.
  await search.fill('gmail   SEND_EMAIL');
  await search.press('Enter');
  await settled(page);
  await expect.poll(count).toBe(both);
  // Another viewer's syntax is named as searched as written, not left to puzzle.
  await page.goto(`${base}&q=${encodeURIComponent('status:error -gmail')}`);
  await settled(page);
  await expect(page.getByText('“status:error”, “-gmail” are searched as written')).toBeVisible();
});

test('every where-applied hint opens wholly on the screen, also those near its left edge', async ({ page }) => {
  for (const [width, height] of [[1024, 768], [1440, 900]]) {
    await page.setViewportSize({ width, height });
    await page.goto('/?period=24h&q=gmail');
    await settled(page);
    const hints = page.locator('details.hint');
    for (let index = 0; index < (await hints.count()); index++) {
      const hint = hints.nth(index);
      if (!(await hint.isVisible())) continue;
      await hint.locator('summary').click();
      // Measured once it has settled where it opens.
      const onScreen = async () => {
        const box = await hint.locator('ul').boundingBox();
        return box !== null && box.x >= 0 && box.x + box.width <= width;
      };
      await expect.poll(onScreen, `hint ${index} at ${width} px`).toBe(true);
      await page.keyboard.press('Escape');
    }
  }
});

test('Esc in the search box ends the search with the text, at once', async ({ page }) => {
  await page.goto('/?period=24h');
  await settled(page);
  const search = page.getByLabel('Search');
  await search.fill('Gmail');
  await search.press('Enter');
  await expect(page).toHaveURL(/q=Gmail/);
  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(page).not.toHaveURL(/q=/);
  await expect(search, 'the box keeps the focus for a new search').toBeFocused();
});

test('a search reads the few messages it needs by itself, so its link finds the same rows', async ({ page }) => {
  // Make's detail names a failure by its kind, such as `DataError: …`: only
  // the message, read by a call per run, holds it.
  // A fixed period: both tabs below are asked for the same rows.
  const now = Date.now();
  const period = encodeURIComponent(`${new Date(now - 24 * 3600e3).toISOString()}..${new Date(now).toISOString()}`);
  const link = `/?type=make-scenarios&period=${period}&tz=utc&q=Error%3A`;
  // Each run's message is asked for once.
  const asked: string[] = [];
  page.on('request', (request) => {
    if (/\/executions\//.test(request.url())) asked.push(request.url());
  });
  await page.goto(link);
  // Leaving the page while messages are read, and coming back, loses none.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Connections' }).click();
  await page.goBack();
  await expect(page).toHaveURL(/q=Error%3A/);
  await settled(page);
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.unread-messages')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('.row-count')).not.toContainText('not searched yet');
  const found = await shownKeys(page);
  expect((await column(page, 7)).every((message) => /\w+Error: /.test(message))).toBe(true);
  expect(asked.length).toBeGreaterThan(0);
  expect(new Set(asked).size, 'each message asked for once').toBe(asked.length);
  // A fresh tab (no message read yet) finds the same rows.
  const other = await page.context().newPage();
  await other.goto(link);
  await settled(other);
  await expect(other.locator('.unread-messages')).toHaveCount(0, { timeout: 30_000 });
  expect(await shownKeys(other)).toEqual(found);
  await other.close();
  // A search that keeps runs by their collection's name shows failed runs
  // whose message is unread: on screen and among the search's own reads,
  // each is asked for once.
  const byName = await page.context().newPage();
  const askedByName: string[] = [];
  byName.on('request', (request) => {
    if (/\/executions\//.test(request.url())) askedByName.push(request.url());
  });
  await byName.goto(`/?type=make-scenarios&period=${period}&tz=utc&status=error&q=Invoice`);
  await settled(byName);
  await expect(rows(byName).first()).toBeVisible();
  await expect(byName.locator('.unread-messages')).toHaveCount(0, { timeout: 30_000 });
  expect(askedByName.length).toBeGreaterThan(0);
  expect(new Set(askedByName).size, 'each message asked for once').toBe(askedByName.length);
  await byName.close();
  // Past the device's own number (here 3), the rest wait to be asked for.
  await page.addInitScript(() => localStorage.setItem('logdeck.search-reads', '3'));
  await page.goto('/?type=make-scenarios&period=7d&tz=utc&q=Error%3A');
  await settled(page);
  await expect(page.locator('.unread-messages')).toContainText(/\d+ runs' messages are not read yet/, { timeout: 30_000 });
  await expect(page.locator('.unread-messages').getByRole('button', { name: 'Read them' })).toBeVisible();
});

test("a search says which loaded rows' messages it could not look in, and reads them when asked", async ({ page }) => {
  // A failed or warned Make run's message is read by a call per run: on a
  // device that has a search read none by itself, the search cannot have
  // looked in them.
  await page.addInitScript(() => localStorage.setItem('logdeck.search-reads', '0'));
  await page.goto('/?type=make-scenarios&period=24h&q=Error%3A');
  await settled(page);
  const note = page.locator('.unread-messages');
  await expect(note).toContainText(/\d+ runs' messages are not read yet/);
  await expect(page.getByText('No logs match these filters in this period.')).toHaveCount(0);
  // The count says so too: "0 rows" alone would read as "no run says this".
  await expect(page.locator('.row-count')).toContainText(/ · \d+ runs' messages not searched yet/);
  // So does a download of the search, which cannot look in them either.
  await page.getByRole('button', { name: 'Download CSV' }).click();
  await expect(page.getByText(/\d+ failed or warned runs were not searched, so they may match and are not in the file: their messages were not read \(a call each\)/)).toBeVisible({ timeout: 20_000 });
  // (Over the demo's budget the reading can end before a check of its note.)
  await note.getByRole('button', { name: 'Read them' }).click();
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  expect((await column(page, 7))[0]).toMatch(/\w+Error: /);
});

test('a search still waiting for the typing pause gives way to back, and leaving the page mid-typing is harmless', async ({ page }) => {
  await page.goto('/');
  await settled(page);
  await page.getByRole('checkbox', { name: 'Error' }).check();
  await expect(page).toHaveURL(/status=error/);
  await page.getByRole('checkbox', { name: 'Warning' }).check();
  await expect(page).toHaveURL(/status=[^&]*warning/);
  const search = page.getByLabel('Search');
  await search.pressSequentially('Gma');
  await page.goBack();
  await expect(page).not.toHaveURL(/warning/);
  // Past the pause: the typed search did not land on the entry gone back to.
  await page.waitForTimeout(600);
  await expect(page).toHaveURL(/status=error/);
  await expect(page).not.toHaveURL(/q=/);
  await expect(search).toHaveValue('');

  // Typing, then another screen before the pause ends: nothing fires on the
  // page that is gone (a panic there would fail this test through its page error).
  await search.pressSequentially('Gma');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  await page.waitForTimeout(600);
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByRole('button', { name: 'Add a connection' })).toBeVisible();
});

test('starting a search is a step of its own in history, refining it is not', async ({ page }) => {
  await page.goto('/');
  await settled(page);
  await page.getByRole('checkbox', { name: 'Error' }).check();
  await expect(page).toHaveURL(/status=error/);
  const search = page.getByLabel('Search');
  await search.fill('Gm');
  await expect(page).toHaveURL(/q=Gm/);
  await search.fill('Gmail');
  await expect(page).toHaveURL(/q=Gmail/);
  await page.goBack();
  await expect(page).toHaveURL(/status=error/);
  await expect(page).not.toHaveURL(/q=/);
  await expect(search).toHaveValue('');
  await page.goBack();
  await expect(page).not.toHaveURL(/status=error/);
});

test('one status a vendor cannot filter on is filtered in the browser', async ({ page }) => {
  await page.goto('/?status=warning');
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  expect(new Set(await column(page, 2))).toEqual(new Set(['Warning']));
});

test('every status has a colour of its own in the chart, in both themes', async ({ page }) => {
  const statuses = ['success', 'warning', 'error', 'running', 'stopped', 'blocked', 'timeout', 'paused', 'event', 'unknown'];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/');
    await expect(page.locator('svg.volume-chart')).toBeVisible();
    const fills = await page.evaluate((keys) => {
      const chart = document.querySelector('svg.volume-chart')!;
      return keys.map((key) => {
        const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
        rect.setAttribute('class', `bar-${key}`);
        chart.appendChild(rect);
        const fill = getComputedStyle(rect).fill;
        rect.remove();
        return fill;
      });
    }, statuses);
    expect(fills).not.toContain('rgb(0, 0, 0)');
    expect(new Set(fills).size).toBe(statuses.length);
  }
});

test('the chart is one tab stop: arrows move between bars, Home and End to the ends, Enter narrows', async ({ page }) => {
  await page.goto('/?period=24h');
  await settled(page);
  const bars = page.locator('svg.volume-chart g.bar');
  const count = await bars.count();
  expect(count).toBeGreaterThan(2);
  await bars.first().focus();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-index'));
  await page.keyboard.press('End');
  expect(await focused()).toBe(String(count - 1));
  await page.keyboard.press('ArrowLeft');
  expect(await focused()).toBe(String(count - 2));
  await page.keyboard.press('Home');
  expect(await focused()).toBe('0');
  // One tab stop, wherever the focus moved.
  expect(await page.locator('svg.volume-chart g.bar[tabindex="0"]').count()).toBe(1);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/period=\d{4}-/);
});

test("the chart's bars cut by the period's ends say so and are drawn fainter", async ({ page }) => {
  await page.goto('/?period=24h&tz=utc');
  await settled(page);
  const bars = page.locator('svg.volume-chart g.bar');
  // "Last 24 hours" starts and ends between bar edges (to the second, now).
  const count = await bars.count();
  for (const index of [0, count - 1]) {
    await expect(bars.nth(index)).toHaveClass(/bar-clipped/);
    await expect(bars.nth(index)).toHaveAttribute('aria-label', /\(the period holds only this part of the bar\)/);
  }
  await expect(bars.nth(1)).not.toHaveClass(/bar-clipped/);
});

test('sorting by status puts failures first on the first press', async ({ page }) => {
  await page.goto('/?period=7d&tz=utc');
  await settled(page);
  await page.getByRole('button', { name: /^Status/ }).click();
  await expect(page).toHaveURL(/sort=-status/);
  await expect(rows(page).first().locator('td.c-status')).toHaveText(/Error/);
  await page.getByRole('button', { name: /^Status/ }).click();
  await expect(page).toHaveURL(/sort=status(&|$)/);
  await expect(rows(page).first().locator('td.c-status')).not.toHaveText(/Error/);
});

test('the table draws rows to its bottom when what is above it shrinks', async ({ page }) => {
  await page.goto('/?period=7d&type=make-scenarios');
  await settled(page);
  const viewport = page.locator('.table-viewport');
  // Something above the table takes room, then gives it back (a note, a
  // wrapped line): no window resize tells the table.
  await page.evaluate(() => { (document.querySelector('.toolbar') as HTMLElement).style.marginBottom = '300px'; });
  // A scroll while it is small measures it small.
  await viewport.hover();
  await page.mouse.wheel(0, 48);
  await page.waitForTimeout(200);
  await page.mouse.wheel(0, -48);
  await page.waitForTimeout(200);
  await page.evaluate(() => { (document.querySelector('.toolbar') as HTMLElement).style.marginBottom = ''; });
  await expect.poll(async () => {
    const box = await viewport.boundingBox();
    const last = await rows(page).last().boundingBox();
    return box !== null && last !== null && last.y + last.height >= box.y + box.height;
  }).toBe(true);
});

test('Copy link copies the view; frozen, its period holds the times of now', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?period=24h&status=error&tz=utc');
  await settled(page);
  const copied = () => page.evaluate(() => navigator.clipboard.readText());
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied.')).toBeVisible();
  expect(new URL(await copied()).search).toBe('?period=24h&status=error&tz=utc');
  // The option folds under the button.
  await page.locator('summary[aria-label="Link options"]').click();
  await page.getByRole('checkbox', { name: 'Freeze period' }).check();
  await page.getByRole('button', { name: 'Copy frozen link' }).click();
  await expect.poll(async () => new URL(await copied()).searchParams.get('period')).toContain('..');
  const period = new URL(await copied()).searchParams.get('period') ?? '';
  const [from, to] = period.split('..').map((t) => Date.parse(t));
  expect(to - from).toBe(24 * 3_600_000);
  expect(Math.abs(Date.now() - to)).toBeLessThan(120_000);
  // With a record open, the link is frozen unless chosen otherwise: a relative
  // period would leave the record behind.
  await page.goto('/?period=24h&status=error&tz=utc');
  await settled(page);
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeVisible();
  await rows(page).first().click();
  await expect(page).toHaveURL(/sel=/);
  await expect(page.getByRole('button', { name: 'Copy frozen link' })).toBeVisible();
  await page.locator('summary[aria-label="Link options"]').click();
  await page.getByRole('checkbox', { name: 'Freeze period' }).uncheck();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect.poll(async () => new URL(await copied()).searchParams.get('sel')).not.toBeNull();
  expect(new URL(await copied()).searchParams.get('period')).toBe('24h');
});

test('a message is cut to its match only where the Message column would hide it, as measured', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/?period=7d&type=make-scenarios&status=error&q=expired&tz=utc');
  await settled(page);
  const message = rows(page).first().locator('td.c-message');
  await expect(message.locator('mark')).toHaveText(/expired/i);
  // A wide column shows the whole message, match and all: nothing is cut.
  expect(await message.textContent()).not.toMatch(/^…/);
  // A narrow one is cut to the match, which then shows within the cell.
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(message).toHaveText(/^…/);
  const cell = (await message.boundingBox())!;
  const mark = (await message.locator('mark').boundingBox())!;
  expect(mark.x + mark.width, 'the match ends inside the cell').toBeLessThanOrEqual(cell.x + cell.width);
});

test('on a screen without hover, each status says which collection types it applies to', async ({ browser }) => {
  const context = await browser.newContext({
    baseURL: process.env.LOGDECK_URL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto('/?period=24h');
  await settled(page);
  await page.getByRole('button', { name: /^Filters/ }).click();
  // No tooltip to hover: the scope shows beside the name.
  const scope = page.locator('label.status-event .scope');
  await expect(scope).toHaveText('· Make audit log only');
  // Shown, not only told to screen readers (a visually hidden text is 1 px wide).
  expect((await scope.boundingBox())!.width).toBeGreaterThan(40);
  await context.close();
});
