// The detail pane for each vendor, and keyboard navigation.
import { test, expect, rows, settled, column } from './helpers';

const pane = (page: import('@playwright/test').Page) => page.getByRole('complementary', { name: 'Record detail' });

test('Make scenario detail shows the execution, its failing module and the raw object', async ({ page }) => {
  await page.goto('/?type=make-scenarios&status=error');
  await settled(page);
  await rows(page).first().click();
  await expect(pane(page).getByRole('heading', { name: 'Execution' })).toBeVisible();
  await expect(pane(page)).toContainText('Status: Error (ERROR)');
  await expect(pane(page).locator('.execution-error')).toContainText('in module');
  await expect(pane(page).getByRole('table', { name: 'Module logs of this execution' })).toBeVisible();
  await expect(pane(page).locator('pre.json').last()).toContainText('"imtId"');
});

test('a failed execution says which modules have no log of it', async ({ page }) => {
  // The demo's scenario 1004: a failed run stops at its failing module, so the
  // modules after it have no log of the run.
  const modules = ['Search orders', 'Aggregate', 'Upsert records', 'Send report', 'Archive'];
  await page.goto('/?type=make-scenarios&status=error&collection=Nightly+Shopify+import');
  await settled(page);
  // The first runs that failed before the last module (one failing at the
  // last has no module after it to speak of).
  let checked = 0;
  for (let row = 0; row < 8 && checked < 2; row++) {
    await rows(page).nth(row).click();
    await expect(pane(page).locator('.execution-error')).toContainText('in module');
    const failure = await pane(page).locator('.execution-error').innerText();
    const failed = modules.findIndex((name) => failure.includes(`in module “${name}”`));
    expect(failed, failure).toBeGreaterThanOrEqual(0);
    const table = pane(page).getByRole('table', { name: 'Module logs of this execution' });
    await expect(table.locator('tbody tr')).toHaveCount(failed + 1);
    const gap = pane(page).locator('p.notice', { hasText: 'No log of this execution from' });
    const notRun = modules.slice(failed + 1).map((_, index) => String(failed + 2 + index));
    if (notRun.length === 0) {
      await expect(gap).toHaveCount(0);
      continue;
    }
    const listed = notRun.length === 1 ? `module ${notRun[0]}` : `modules ${notRun.slice(0, -1).join(', ')} and ${notRun.at(-1)}`;
    await expect(gap).toContainText(`No log of this execution from ${listed}:`);
    checked++;
  }
  expect(checked, 'runs that failed before the last module').toBe(2);
});

test('Make audit detail shows the details object', async ({ page }) => {
  await page.goto('/?type=make-audit');
  await settled(page);
  // An audit entry is an event, not a run that succeeded.
  expect(new Set(await column(page, 2))).toEqual(new Set(['Event']));
  await rows(page).first().click();
  await expect(pane(page).getByRole('heading', { name: 'Audit details' })).toBeVisible();
  await expect(pane(page)).toContainText('ipAddress');
});

test('Dify detail shows tokens, steps and timings; Aitronos shows its whole object', async ({ page }) => {
  await page.goto('/?type=dify-workflows&status=error');
  await settled(page);
  await rows(page).first().click();
  await expect(pane(page).locator('dt', { hasText: 'Tokens' })).toBeVisible();
  await expect(pane(page).locator('dt', { hasText: 'Steps' })).toBeVisible();
  await expect(pane(page).locator('dt', { hasText: 'Message' })).toBeVisible();
  await expect(pane(page).locator('pre.json')).toContainText('"elapsed_time"');

  await page.goto('/?type=aitronos-connectors');
  await settled(page);
  await rows(page).first().click();
  await expect(pane(page).locator('pre.json')).toContainText('"credential_name"');
});

test('keyboard: j/k and arrows move, Enter opens, arrows step the detail, Esc closes, / searches, Enter applies it', async ({ page }) => {
  await page.goto('/?type=make-scenarios');
  await settled(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.locator('tr.cursor')).toHaveCount(1);
  const cursorKey = await page.locator('tr.cursor').getAttribute('data-key');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`sel=${encodeURIComponent(cursorKey ?? '')}`));
  await expect(pane(page)).toBeVisible();
  await expect(pane(page), 'focus moves into the detail').toBeFocused();

  await page.keyboard.press('ArrowDown');
  await expect(page).not.toHaveURL(new RegExp(`sel=${encodeURIComponent(cursorKey ?? '')}`));
  await page.keyboard.press('k');
  await expect(page).toHaveURL(new RegExp(`sel=${encodeURIComponent(cursorKey ?? '')}`));

  await page.keyboard.press('Escape');
  await expect(page).not.toHaveURL(/sel=/);
  await expect(pane(page)).toHaveCount(0);
  await expect(page.locator('#rows'), 'and back to the rows').toBeFocused();
  await expect(page.locator('tr.cursor')).toHaveAttribute('data-key', cursorKey!);

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toBeFocused();
  await expect(help).toContainText('previous / next record');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(page.locator('#rows'), 'focus returns where it was').toBeFocused();

  await page.keyboard.press('/');
  await expect(page.getByLabel('Search')).toBeFocused();
  // Enter applies the search without waiting out the typing pause: with the
  // page's clock stopped, the pause never ends, and only Enter can apply it.
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 60_000);
  await page.keyboard.type('Nightly');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/q=Nightly/);
});

test('an open filter list or hint closes on a press outside it, and Esc closes it before the detail', async ({ page }) => {
  await page.goto('/?type=make-scenarios');
  await settled(page);
  const typeList = page.locator('details.popover', { has: page.locator('summary', { hasText: /^Collection type:/ }) });
  await typeList.locator('summary').click();
  await expect(typeList).toHaveAttribute('open', '');
  await page.locator('h1').click();
  await expect(typeList).not.toHaveAttribute('open');

  // Opening one closes another.
  const hint = page.locator('details.hint').first();
  await typeList.locator('summary').click();
  await hint.locator('summary').click();
  await expect(hint).toHaveAttribute('open', '');
  await expect(typeList).not.toHaveAttribute('open');

  // With a record open, Esc inside a list closes the list only.
  await rows(page).first().click();
  await expect(pane(page)).toBeVisible();
  await typeList.locator('summary').click();
  await typeList.locator('input[type=checkbox]').first().focus();
  await page.keyboard.press('Escape');
  await expect(typeList).not.toHaveAttribute('open');
  await expect(typeList.locator('summary')).toBeFocused();
  await expect(pane(page)).toBeVisible();
  await expect(page).toHaveURL(/sel=/);
});

test('keyboard: the skip links reach the rows in a few keys, and the chart is one tab stop', async ({ page }) => {
  await page.goto('/?period=7d');
  await settled(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the rows' }), 'the second tab stop').toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#rows')).toBeFocused();
  // One bar takes focus; the arrows move along the others.
  const bars = page.locator('.volume .bar');
  await expect(bars.and(page.locator('[tabindex="0"]'))).toHaveCount(1);
  await bars.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(bars.nth(1)).toBeFocused();
  await expect(bars.and(page.locator('[tabindex="0"]'))).toHaveCount(1);
  // Enter narrows the period to the focused bar.
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/period=[^&]+\.\.[^&]+/);
});

test('→ and ← from a linked record the filters hide step to its neighbours in time', async ({ page }) => {
  const now = Date.now();
  const period = encodeURIComponent(`${new Date(now - 24 * 3600e3).toISOString()}..${new Date(now).toISOString()}`);
  const base = `/?period=${period}&type=make-scenarios&tz=utc`;
  // A tall window: the rows read below are those in the DOM.
  await page.setViewportSize({ width: 1280, height: 1600 });
  await page.goto(base);
  await settled(page);
  const all = await rows(page).evaluateAll((trs) =>
    trs.map((tr) => ({
      key: tr.getAttribute('data-key')!,
      time: tr.querySelector('td:nth-child(1)')!.textContent!.trim(),
      status: tr.querySelector('td:nth-child(2)')!.textContent!.trim(),
    })));
  // Two statuses: Make's server takes one, so the browser filters and the
  // success rows stay loaded, hidden.
  const shown = (status: string) => /Error|Warning/.test(status);
  // A hidden row between shown ones, alone at its second (a tie would make
  // either neighbour right).
  const hidden = all.findIndex((row, i) => !shown(row.status) && all.slice(0, i).some((r) => shown(r.status))
    && all.slice(i + 1).some((r) => shown(r.status)) && all.filter((r) => r.time === row.time).length === 1);
  expect(hidden).toBeGreaterThan(0);
  const newer = all.slice(0, hidden).filter((r) => shown(r.status)).at(-1)!;
  const older = all.slice(hidden + 1).find((r) => shown(r.status))!;
  const linked = `${base}&status=error,warning&sel=${encodeURIComponent(all[hidden].key)}`;

  await page.goto(linked);
  await settled(page);
  await expect(pane(page)).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(new RegExp(`sel=${encodeURIComponent(older.key)}(&|$)`));
  await page.goto(linked);
  await settled(page);
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(new RegExp(`sel=${encodeURIComponent(newer.key)}(&|$)`));
});

test('an open record the filters leave out stays shown, said to be out of the table', async ({ page }) => {
  await page.goto('/?period=24h&type=make-scenarios&tz=utc');
  await settled(page);
  const success = rows(page).filter({ hasText: 'Success' }).first();
  const key = (await success.getAttribute('data-key'))!;
  await success.click();
  await expect(pane(page)).toContainText('Success');
  await expect(pane(page)).not.toContainText('Not in the table');
  // Make filters one status on its server: the rows reload without this one.
  await page.getByRole('checkbox', { name: 'Error' }).check();
  await expect(page).toHaveURL(/status=error/);
  await settled(page);
  await expect(page.locator(`tr[data-key="${key}"]`)).toHaveCount(0);
  await expect(pane(page)).toContainText("Not in the table: the view's filters or period leave this record out, or it is older than the rows complete so far.");
  await expect(pane(page)).toContainText('Success');
  // Back in the view, the record is in the table and the note goes.
  await page.goBack();
  await settled(page);
  await expect(page.locator(`tr[data-key="${key}"]`)).toHaveCount(1);
  await expect(pane(page)).not.toContainText('Not in the table');
});

test('beside the detail pane the table shows its text columns whole, and its numbers come back when the pane closes', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  // Dify's runs: each has a duration and tokens.
  await page.goto('/?period=24h&type=dify-workflows');
  await settled(page);
  const header = (name: string) => page.locator('table.log-table').getByRole('columnheader', { name, exact: true });
  const width = async (name: string) => (await header(name).boundingBox())?.width ?? 0;
  const collectionAlone = await width('Collection');
  await expect(header('Duration')).toBeVisible();
  await rows(page).nth(1).click();
  await expect(pane(page)).toBeVisible();
  // The pane lists every number of the record; the table keeps room for text.
  await expect(header('Duration')).toBeHidden();
  await expect(header('Tokens')).toBeHidden();
  await expect(pane(page)).toContainText(/Duration\s*\d/);
  await expect(pane(page)).toContainText(/Tokens\s*\d/);
  const viewport = page.locator('.table-viewport');
  const sideways = await viewport.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(sideways, 'no sideways scroll beside the pane').toBeLessThanOrEqual(0);
  expect(await width('Collection')).toBeGreaterThan(100);
  expect(await width('Message')).toBeGreaterThan(100);
  await pane(page).getByRole('button', { name: 'Close detail' }).click();
  await expect(header('Duration')).toBeVisible();
  expect(await width('Collection')).toBeCloseTo(collectionAlone, 0);
  // Sorted by a number, the table keeps that number beside the pane, on screen.
  await page.getByRole('button', { name: /^Duration/ }).click();
  await expect(page).toHaveURL(/sort=-duration/);
  await rows(page).nth(1).click();
  await expect(pane(page)).toBeVisible();
  await expect(page.locator('table.log-table').getByRole('columnheader', { name: /^Duration/ })).toBeVisible();
  await expect(header('Tokens')).toBeHidden();
  for (const size of [{ width: 1440, height: 900 }, { width: 1280, height: 720 }]) {
    await page.setViewportSize(size);
    expect(await viewport.evaluate((el) => el.scrollWidth - el.clientWidth), `${size.width}: no sideways scroll`).toBeLessThanOrEqual(0);
    // The type gives the number its room: the text columns are not squeezed.
    await expect(header('Collection type')).toBeHidden();
    expect(await width('Collection'), `${size.width}: Collection's width`).toBeGreaterThan(90);
  }
});

test('between a phone and a wide screen the detail pane opens as a drawer over the table', async ({ page }) => {
  for (const size of [{ width: 1024, height: 768 }, { width: 844, height: 390 }]) {
    await page.setViewportSize(size);
    await page.goto('/?period=24h');
    await settled(page);
    await rows(page).nth(1).click();
    const box = (await pane(page).boundingBox())!;
    expect(box.y, `${size.width}: from the top`).toBeLessThanOrEqual(1);
    expect(box.x, `${size.width}: not the whole width`).toBeGreaterThan(size.width / 4);
    expect(box.x + box.width, `${size.width}: at the right edge`).toBeCloseTo(size.width, 0);
    expect(box.height, `${size.width}: the screen's height`).toBeGreaterThanOrEqual(size.height - 1);
    await expect(pane(page).getByRole('button', { name: 'Close detail' })).toBeInViewport();
    // The record open stays in view beside the drawer, and ←/→ step records
    // without scrolling the table sideways under it.
    await page.keyboard.press('Escape');
    await rows(page).nth(1).click();
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft']) await page.keyboard.press(key);
    await expect(page.locator('tr.selected td.c-time')).toBeInViewport();
    expect(await page.locator('.table-viewport').evaluate((el) => el.scrollLeft)).toBe(0);
    await pane(page).getByRole('button', { name: 'Close detail' }).click();
    await expect(pane(page)).toHaveCount(0);
  }
});

test("a Make run's Only this client narrows to its client by name, the link keeps it", async ({ page }) => {
  await page.goto('/?period=24h&type=make-scenarios');
  await settled(page);
  const clients = await column(page, 6);
  const index = clients.findIndex((client) => client.trim() !== '');
  expect(index).toBeGreaterThanOrEqual(0);
  const client = clients[index].trim();
  await rows(page).nth(index).click();
  await pane(page).getByRole('button', { name: 'Only this client' }).click();
  await expect(page).toHaveURL(new RegExp(`client=${encodeURIComponent(client).replace(/%20/g, '\\+')}`));
  await expect(page).not.toHaveURL(/client_id=/);
  await settled(page);
  expect(new Set((await column(page, 6)).map((c) => c.trim()))).toEqual(new Set([client]));
  await expect(page.locator('details.multi > summary', { hasText: 'Client:' })).toHaveText(`Client: ${client}`);
});

test('a linked record that loads after the page is scrolled into view once its row comes', async ({ page }) => {
  // The oldest row of the week: its page comes last.
  await page.goto('/?period=7d&tz=utc&sort=time');
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(/^\d+ rows?$/, { timeout: 30_000 });
  const key = (await rows(page).first().getAttribute('data-key')) ?? '';
  expect(key).not.toBe('');
  await page.goto(`/?period=7d&tz=utc&sel=${encodeURIComponent(key)}`);
  await expect(pane(page)).toBeVisible();
  const row = page.locator(`table.log-table tbody tr[data-key="${key}"]`);
  await expect(row).toBeInViewport({ timeout: 30_000 });
  await expect(row).toHaveClass(/selected/);
  // Scrolling away afterwards stays where the reader put it.
  await page.locator('.table-viewport').evaluate((el) => el.scrollTo(0, 0));
  await page.waitForTimeout(500);
  await expect(row).not.toBeInViewport();
});

test('a linked record under a sort by another column follows its row while later pages move it', async ({ page }) => {
  // Sorted by duration, every page that comes puts rows above and below it.
  const url = '/?period=7d&tz=utc&sort=-duration';
  await page.goto(url);
  await settled(page);
  await expect(page.locator('.row-count')).toHaveText(/^\d+ rows?$/, { timeout: 30_000 });
  const viewport = page.locator('.table-viewport');
  const rowHeight = (await rows(page).first().boundingBox())!.height;
  await viewport.evaluate((el, top) => el.scrollTo(0, top), Math.round(rowHeight * 800));
  // The rows are drawn in the frame after the scroll: until then the first
  // screen's are still there.
  const deep = rows(page).nth(5);
  await expect.poll(async () => Number(await deep.getAttribute('aria-rowindex'))).toBeGreaterThan(700);
  const key = (await deep.getAttribute('data-key')) ?? '';
  await page.goto(`${url}&sel=${encodeURIComponent(key)}`);
  await expect(pane(page)).toBeVisible();
  await expect(page.locator('.row-count')).toHaveText(/^\d+ rows?$/, { timeout: 30_000 });
  const row = page.locator(`table.log-table tbody tr[data-key="${key}"]`);
  await expect(row).toBeInViewport();
  await expect(row).toHaveClass(/selected/);
});
