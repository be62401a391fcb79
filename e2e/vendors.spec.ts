// Real vendors send what their documents allow, not what the demo happens to send:
// one odd row never hides the others, and the page names it.
import { test, expect, rows, settled, column } from './helpers';

test('a page with one unreadable row shows every other row and names the broken one', async ({ page }) => {
  let served = 0;
  await page.route(/\/demo\/make\/api\/v2\/scenarios\/1001\/logs\?/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (body.scenarioLogs.length >= 2) {
      body.scenarioLogs[1].timestamp = 'yesterday';
      served = body.scenarioLogs.length;
    }
    await route.fulfill({ response, json: body });
  });
  await page.goto('/?period=24h&type=make-scenarios&collection=Sync+CRM+leads+to+Sheets');
  await settled(page);
  expect(served).toBeGreaterThan(1);
  const chip = page.locator('.source', { hasText: 'Sync CRM leads to Sheets' });
  await expect(chip).toContainText('1 row could not be read');
  await expect(page.locator('.row-count')).toHaveText(new RegExp(`^\\s*${served - 1} rows\\s*$`));
  // The Make ids are the 32-hex strings Make's docs show; they key the rows.
  const key = await rows(page).first().getAttribute('data-key');
  expect(key).toMatch(/^demo-make\/scenario\/1001:[0-9a-f]{32}$/);
  await chip.getByText('1 row could not be read').click();
  await expect(chip).toContainText('scenarioLogs[1].timestamp');
  await expect(chip.locator('pre')).toContainText('"timestamp":"yesterday"');
});

for (const [form, collection, pattern] of [
  ['a hex', 'Sync CRM leads to Sheets', /^[0-9a-f]{32}$/],
  ['an integer', 'Jira incidents to Slack', /^\d+$/],
] as const) test(`a Make execution with ${form} id opens its detail, also from a pasted link`, async ({ page, context }) => {
  await page.goto(`/?period=24h&type=make-scenarios&status=error&collection=${encodeURIComponent(collection)}`);
  await settled(page);
  await rows(page).first().click();
  const pane = page.getByRole('complementary', { name: 'Record detail' });
  const id = (await pane.locator('.fields dt:text-is("Record id") + dd').textContent()) ?? '';
  expect(id).toMatch(pattern);
  // The link reopens it in a fresh page, the execution read by its id.
  const pasted = await context.newPage();
  await pasted.goto(page.url());
  const reopened = pasted.getByRole('complementary', { name: 'Record detail' });
  await expect(reopened.locator('.fields dt:text-is("Record id") + dd')).toHaveText(id);
  await pasted.close();
  // The execution detail is asked by that id: the pane shows Make's own error.
  const key = (await rows(page).first().getAttribute('data-key')) ?? '';
  const scenario = key.match(/scenario\/(\d+):/)?.[1];
  const answer = await page.request.get(`/demo/make/api/v2/scenarios/${scenario}/executions/${id}`, {
    headers: { Authorization: 'Token demo-make-token' },
  });
  expect(answer.status()).toBe(200);
  const execution = await answer.json();
  await expect(pane).toContainText(execution.error.message);
});

// `cargo xtask test` starts a second demo standing in for a vendor host the
// server knows (as it knows the official ones): nothing is configured for it.
const vendorUrl = process.env.VENDOR_URL;

test('a user adds Make and Dify accounts by hand and sees their rows', async ({ page }) => {
  test.skip(!vendorUrl, 'needs the vendor stand-in `cargo xtask test` starts (VENDOR_URL)');
  const relayed: string[] = [];
  const direct: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/relay/vendor/')) relayed.push(request.url());
    if (vendorUrl && request.url().startsWith(vendorUrl)) direct.push(request.url());
  });
  await page.goto('/connections');
  await page.getByRole('button', { name: 'Add a connection' }).click();
  const make = page.getByRole('form', { name: 'New connection' });
  await make.getByLabel('Vendor').selectOption('make');
  await make.getByLabel('Name', { exact: true }).fill('My Make');
  // The zone picks the base URL; only "Other" asks for one.
  await expect(make.getByLabel('Base URL')).toHaveCount(0);
  await make.getByLabel('Zone').selectOption({ label: 'Other: a relay, self-hosted or demo URL' });
  await make.getByLabel('Base URL').fill(`${vendorUrl}/demo/make/api/v2`);
  const load = make.getByRole('button', { name: 'Load scenarios by name' });
  await load.click();
  await expect(make.getByText('Enter the team id or the organization id first.')).toBeVisible();
  // Make lists an organization's scenarios as well as a team's.
  await make.getByLabel('Organization id (audit log)').fill('11');
  await load.click();
  await expect(make.getByText(/Type the API token first/)).toBeVisible();
  await make.getByLabel('API key or token (kept for this tab)').fill('demo-make-token');
  await load.click();
  await expect(make.getByText(/\d+ scenarios found/)).toBeVisible();
  expect(await make.locator('.scenario-list input[type="checkbox"]').count()).toBeGreaterThan(0);
  await make.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('article', { name: 'My Make' })).toBeVisible();

  await page.getByRole('button', { name: 'Add a connection' }).click();
  const dify = page.getByRole('form', { name: 'New connection' });
  await dify.getByLabel('Vendor').selectOption('dify');
  await dify.getByLabel('App name').fill('My bot');
  await dify.getByLabel('Base URL').fill(`${vendorUrl}/demo/dify/v1`);
  await dify.getByLabel('API key or token (kept for this tab)').fill('demo-dify-support-key');
  await dify.getByRole('button', { name: 'Save', exact: true }).click();
  const card = page.getByRole('article', { name: 'My bot' });
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByRole('status')).toContainText('Connected');

  await page.getByRole('link', { name: 'Logs' }).click();
  await settled(page);
  const mine = page.locator('.source').filter({ hasText: /^My (Make|bot)/ });
  await expect(mine.first()).toBeAttached();
  for (const chip of await mine.all()) {
    await expect(chip).toHaveClass(/ok/);
    await expect(chip).toContainText(/[1-9]\d* rows/);
  }
  // Make refuses browser calls: through this server's relay. Dify allows them: direct.
  expect(relayed.some((url) => url.includes('/demo/make/api/v2/scenarios/'))).toBe(true);
  expect(direct.some((url) => url.includes('/demo/dify/v1/workflows/logs'))).toBe(true);
  expect(direct.some((url) => url.includes('/demo/make/'))).toBe(false);
});

test('Aitronos rows sent without a status show as Unknown, and a filter that gives them its status or leaves them out says so', async ({ page }) => {
  // The Aitronos items each step's page was sent, by the status it asked for:
  // the note counts the loaded rows.
  const sent = new Map<string, Map<string, { status?: string }>>();
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.endsWith('/aitronos/v1/personal-connectors/logs') || response.status() !== 200) return;
    const asked = url.searchParams.get('status') ?? 'any';
    try {
      const items = sent.get(asked) ?? new Map();
      for (const item of (await response.json()).logs) items.set(item.id, item);
      sent.set(asked, items);
    } catch {
      // A body gone with the page it was for: that step is over.
    }
  });
  const note = page.locator('.status-gaps');
  const statusless = (asked: string) => [...(sent.get(asked)?.values() ?? [])].filter((item) => !item.status);

  // Unfiltered, such a row shows as Unknown, which says what is known of it.
  await page.goto('/?period=24h&tz=utc&type=aitronos-connectors');
  await settled(page);
  await expect.poll(() => statusless('any').length).toBeGreaterThan(0);
  await expect.poll(async () => (await column(page, 2)).includes('Unknown')).toBe(true);
  await expect(note).toHaveCount(0);

  // Error alone is asked of Aitronos's server: its status-less rows show as errors, and say why.
  await page.goto('/?period=24h&tz=utc&type=aitronos-connectors&status=error');
  await settled(page);
  await expect.poll(async () => {
    const count = statusless('error').length;
    const [verb, them] = count === 1 ? ['shows', 'it'] : ['show', 'them'];
    return count > 0 && (await note.textContent()) ===
      `Of the rows loaded from Aitronos connectors, ${count} ${verb} as Error only because the server returned ${them} for that filter: the vendor sent ${them} without a status.`;
  }, { timeout: 15_000 }).toBe(true);
  const bare = statusless('error')[0] as { id: string };
  await page.goto(`/?period=24h&tz=utc&type=aitronos-connectors&status=error&sel=${encodeURIComponent(`demo-aitronos:${bare.id}`)}`);
  await expect(page.getByRole('complementary', { name: 'Record detail' })).toContainText('Error (vendor: none; the server returned it for this Status filter)');
  // Beside the other types the note stands while Aitronos rows show; a
  // collection no Aitronos row is in hides them all, and the note with them.
  await page.goto('/?period=7d&tz=utc&status=error');
  await settled(page);
  await expect(note).toContainText('Of the rows loaded from Aitronos connectors');
  await page.goto('/?period=7d&tz=utc&status=error&collection=Nightly+Shopify+import');
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  await expect(page.locator('.source', { hasText: 'Aitronos' })).toContainText(/\d+ rows?/);
  await expect(note).toHaveCount(0);

  // Two statuses are filtered in the browser, where a row without one matches neither.
  sent.delete('any');
  await page.goto('/?period=24h&tz=utc&type=aitronos-connectors&status=error,timeout');
  await settled(page);
  await expect.poll(async () => {
    const count = statusless('any').length;
    const [verb, them] = count === 1 ? ['is', 'it'] : ['are', 'them'];
    return count > 0 && (await note.textContent()) ===
      `Of the rows loaded from Aitronos connectors, ${count} ${verb} left out as Unknown: the vendor sent ${them} without a status. ` +
      "Choose a single status to have the server, which knows every row's status, filter them. Error alone Timeout alone";
  }, { timeout: 15_000 }).toBe(true);
  // One press asks the server for one of them alone, keeping the rest of the view.
  await note.getByRole('button', { name: 'Timeout alone' }).click();
  await expect(page).toHaveURL(/[?&]status=timeout(&|$)/);
  await expect(page).toHaveURL(/type=aitronos-connectors/);
  await settled(page);
  expect(new Set(await column(page, 2))).toEqual(new Set(['Timeout']));
});

test("a search for a Dify app's name finds its runs, which all show it, though Dify's keyword would not", async ({ page }) => {
  const keywords: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    // The Ticket triage app's key (a Dify key reads one app).
    if (url.pathname.endsWith('/workflows/logs') && request.headers()['authorization']?.includes('triage')) {
      keywords.push(url.searchParams.get('keyword') ?? '');
    }
  });
  const count = async () => Number(((await page.locator('.row-count').textContent()) ?? '').match(/^(\d+) rows?/)?.[1]);
  // A fixed period, ended a minute ago: the demo's runs go on, and a run new
  // between the two loads below would count in the second only.
  const now = Date.now() - 60_000;
  const period = encodeURIComponent(`${new Date(now - 24 * 3600e3).toISOString()}..${new Date(now).toISOString()}`);
  await page.goto(`/?period=${period}&tz=utc&type=dify-workflows&collection=Ticket+triage`);
  await settled(page);
  const runs = await count();
  expect(runs).toBeGreaterThan(0);
  await page.goto(`/?period=${period}&tz=utc&type=dify-workflows&q=triage`);
  await settled(page);
  await expect.poll(count).toBe(runs);
  expect(new Set(await column(page, 4))).toEqual(new Set(['Ticket triage']));
  expect(keywords.length).toBeGreaterThan(0);
  expect(keywords.filter((keyword) => keyword !== '')).toEqual([]);
  // The other app was searched by Dify's rules: the note names it alone.
  await expect(page.locator('.search-scope')).toHaveText(/^Dify workflows of Support bot were also searched for “triage” on Dify's server/);
});

test("a search finds Dify runs by the messages the table shows, and by what Dify's own search finds", async ({ page }) => {
  // A fixed period, so the page and the API below count the same runs.
  const to = new Date(Date.now() - 60_000);
  const from = new Date(to.getTime() - 24 * 3600e3);
  const period = `${from.toISOString()}..${to.toISOString()}`;
  // A failed run's error, as the table shows it: Dify's keyword does not look there.
  await page.goto(`/?period=${encodeURIComponent(period)}&tz=utc&type=dify-workflows&status=error&q=%22rate+limit%22`);
  await settled(page);
  await expect(page.getByText('No logs match these filters in this period.')).toHaveCount(0);
  const messages = await column(page, 7);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(message.toLowerCase()).toContain('rate limit');
  await expect(page.locator('.row-count')).toHaveText(`${messages.length} rows`);
  await page.getByRole('button', { name: 'Download CSV' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Downloaded ${messages.length} rows` })).toBeVisible();
  // What end users asked (a run's inputs), which no cell shows: Dify's keyword finds it.
  let found = 0;
  for (const key of ['demo-dify-support-key', 'demo-dify-triage-key']) {
    for (let number = 1; number <= 50; number++) {
      const params = new URLSearchParams({
        keyword: 'refund', limit: '100', page: String(number),
        created_at__after: from.toISOString().replace(/\.\d+Z$/, 'Z'),
        created_at__before: to.toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      const body = await (await page.request.get(`/demo/dify/v1/workflows/logs?${params}`, {
        headers: { Authorization: `Bearer ${key}` },
      })).json();
      found += body.data.length;
      if (!body.has_more) break;
    }
  }
  expect(found).toBeGreaterThan(0);
  await page.goto(`/?period=${encodeURIComponent(period)}&tz=utc&type=dify-workflows&q=refund`);
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(new RegExp(`^${found} rows?$`));
  // No field of such a run shows the word: its detail says why it matched.
  await rows(page).first().click();
  const pane = page.getByRole('complementary', { name: 'Record detail' });
  await expect(pane).toContainText("Found by Dify's own search for “refund”");
  await expect(pane.locator('dd mark')).toHaveCount(0);
  await pane.getByRole('button', { name: 'Close detail' }).click();
  // The download holds the same runs.
  await page.getByRole('button', { name: 'Download CSV' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Downloaded ${found} rows` })).toBeVisible();
});

test("a failed Dify search is named as a search, while the apps' rows that match still show", async ({ page }) => {
  // Dify's keyword search refuses; the apps' own pages answer.
  await page.route(/\/demo\/dify\/v1\/workflows\/logs/, (route) => {
    if (new URL(route.request().url()).searchParams.has('keyword')) {
      return route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer fault-shape' } });
    }
    return route.continue();
  });
  await page.goto('/?period=24h&tz=utc&type=dify-workflows&status=error&q=%22rate+limit%22');
  await settled(page);
  const messages = await column(page, 7);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(message.toLowerCase()).toContain('rate limit');
  await expect(page.locator('.row-count')).toHaveText(`${messages.length} rows · without 2 failed vendor searches`);
  await expect(page.getByText('2 vendor searches failed: rows only they find are missing until they answer')).toBeVisible();
  await expect(page.getByText(/failed source/)).toHaveCount(0);
});

test('on a phone, the count line points to the notes the table hides below it', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?period=24h&tz=utc&type=aitronos-connectors&status=error,timeout');
  await settled(page);
  const note = page.locator('.status-gaps');
  const pointer = page.getByRole('button', { name: 'Notes below the table ↓' });
  await expect(note).toContainText('left out as Unknown');
  await expect(note).not.toBeInViewport();
  await pointer.click();
  await expect(note).toBeInViewport();
  // Without notes there is nothing to point to; on a wide screen the notes show.
  await page.goto('/?period=24h&tz=utc&type=dify-workflows');
  await settled(page);
  await expect(pointer).toHaveCount(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/?period=24h&tz=utc&type=aitronos-connectors&status=error,timeout');
  await settled(page);
  await expect(page.locator('.status-gaps')).toContainText('left out as Unknown');
  await expect(pointer).toBeHidden();
});

for (const status of [500, 503]) {
  test(`a source answering ${status} is shown failed with its message after a few seconds of retries, not as loading`, async ({ page }) => {
    let asked = 0;
    await page.route(/\/demo\/aitronos\/v1\/personal-connectors\/logs/, (route) => {
      asked += 1;
      // No Retry-After: a 503 that does not say when to come back is a failure, not a rate limit.
      return route.fulfill({
        status,
        contentType: 'application/json',
        body: JSON.stringify({
          success: false,
          error: { code: 'INTERNAL_ERROR', message: 'Something broke on our side.', system_message: 'db timeout', type: 'server_error', status, trace_id: 'req_500xyz', timestamp: '2025-11-11T10:30:00Z', details: {} },
        }),
      });
    });
    const started = Date.now();
    await page.goto('/?period=24h&tz=utc&type=dify-workflows,aitronos-connectors');
    const alert = page.getByRole('alert').filter({ hasText: 'Something broke on our side.' });
    // Between the retries the source is not said to be rate-limited.
    await expect.poll(() => asked, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect(page.locator('.rate-limit')).toHaveCount(0);
    await expect(alert).toBeVisible({ timeout: 20_000 });
    // 1 + 2 + 4 s of retries, four asks in all: not two minutes of "still loading".
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(asked).toBe(4);
    await expect(alert).toContainText('req_500xyz');
    await expect(page.locator('.row-count')).not.toContainText('still loading');
  });
}

test('a source slow to answer holds nobody back: the others load their share of the period meanwhile', async ({ page }) => {
  // Aitronos answers nothing for a minute; Dify's two apps page on behind it.
  await page.route(/\/demo\/aitronos\/v1\/personal-connectors\/logs/, () => new Promise(() => {}));
  const difyPages: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/workflows/logs')) difyPages.push(new URL(request.url()).searchParams.get('page') ?? '1');
  });
  await page.goto('/?period=7d&tz=utc&type=dify-workflows,aitronos-connectors');
  await expect(page.locator('.row-count')).toContainText('without 1 source still loading', { timeout: 10_000 });
  await expect.poll(() => difyPages.filter((p) => p !== '1').length, { timeout: 15_000 }).toBeGreaterThan(0);
});
