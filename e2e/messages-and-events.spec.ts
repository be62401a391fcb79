// The Message column (why a run failed, where Make lists none) and the audit
// Event filter, both against the demo's vendor-shaped answers.
import { test, expect, rows, settled, column, LOGS_REQUEST } from './helpers';

const MESSAGE = 7;

test("the Message column says why a run failed: Make's is read from the execution, search finds it", async ({ page }) => {
  const executions: string[] = [];
  page.on('request', (request) => {
    if (/\/scenarios\/\d+\/executions\//.test(request.url())) executions.push(request.url());
  });
  await page.goto('/?period=24h&status=error&type=make-scenarios&tz=utc');
  await settled(page);
  // Make's list carries no message: the failed runs on screen get theirs lazily.
  await expect.poll(async () => (await column(page, MESSAGE))[0] ?? '').toMatch(/^\w+Error: /);
  // Every row on screen gets its message; then no more calls are made.
  await expect.poll(async () => (await column(page, MESSAGE)).filter((m) => m === '').length).toBe(0);
  const onScreen = await rows(page).count();
  expect(executions.length).toBeGreaterThan(0);
  expect(executions.length, 'only rows on screen are asked').toBeLessThanOrEqual(onScreen);
  expect(new Set(executions).size, 'each row once').toBe(executions.length);

  const message = (await column(page, MESSAGE))[0];
  const kind = message.split(':')[0];
  await page.getByLabel('Search').fill(kind);
  await expect(page).toHaveURL(new RegExp(`q=${kind}`));
  await expect(rows(page).first().locator(`td:nth-child(${MESSAGE})`)).toContainText(kind);
  await rows(page).first().click();
  await expect(page.getByRole('complementary', { name: 'Record detail' })).toContainText(kind);
  // Its execution was read for the message: the detail does not read it again.
  await expect(page.getByRole('complementary', { name: 'Record detail' }).getByRole('heading', { name: 'Execution' })).toBeVisible();
  expect(new Set(executions).size, 'each execution read once').toBe(executions.length);
});

test('the Event filter asks Make for audit entries of that event only, and the link keeps it', async ({ page }) => {
  await page.goto('/?period=7d&tz=utc');
  await settled(page);
  const asked: string[] = [];
  page.on('request', (request) => {
    if (LOGS_REQUEST.test(request.url())) asked.push(request.url());
  });
  await page.getByText('Event: all').click();
  await page.getByRole('checkbox', { name: 'key_created', exact: true }).check();
  await expect(page).toHaveURL(/event=key_created/);
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  // Only the audit log is asked, with Make's own event filter.
  expect(asked.length).toBeGreaterThan(0);
  for (const url of asked) {
    expect(url).toMatch(/\/audit-logs\//);
    expect(decodeURIComponent(url)).toContain('event[0]=key_created');
  }
  expect(new Set(await column(page, 5))).toEqual(new Set(['key_created']));
  await page.reload();
  await settled(page);
  await expect(page.getByText('Event: key_created')).toBeVisible();
  expect(new Set(await column(page, 5))).toEqual(new Set(['key_created']));
});

test('a client chosen by name is filtered in the browser for Dify and Aitronos, never sent as a guessed id', async ({ page }) => {
  const asked: string[] = [];
  page.on('request', (request) => {
    if (LOGS_REQUEST.test(request.url())) asked.push(decodeURIComponent(request.url()));
  });
  for (const [type, client] of [['dify-workflows', 'Ada Lovelace'], ['aitronos-connectors', 'Gmail (work)']]) {
    await page.goto(`/?period=24h&tz=utc&type=${type}`);
    await settled(page);
    await page.getByText('Client: all').click();
    await page.getByRole('checkbox', { name: client, exact: true }).check();
    await expect(page).toHaveURL(/client=/);
    await settled(page);
    expect(new Set(await column(page, 6))).toEqual(new Set([client]));
    await page.reload();
    await settled(page);
    expect(new Set(await column(page, 6))).toEqual(new Set([client]));
  }
  // Names are not unique: these APIs take ids, and one guessed from the rows
  // loaded could hide another client of the same name.
  expect(asked.length).toBeGreaterThan(0);
  for (const url of asked) expect(url).not.toMatch(/created_by_account|created_by_end_user_session_id|credential_id/);
});

test("a client chosen by its vendor id is filtered by the vendor's server, exactly, and the link keeps it", async ({ page }) => {
  let asked: string[] = [];
  page.on('request', (request) => {
    if (LOGS_REQUEST.test(request.url())) asked.push(decodeURIComponent(request.url()));
  });
  // From a record: its detail names the id behind the name and narrows to it.
  await page.goto('/?period=24h&tz=utc&type=dify-workflows&client=Ada%20Lovelace');
  await settled(page);
  await rows(page).first().click();
  const detail = page.getByRole('complementary', { name: 'Record detail' });
  await expect(detail).toContainText('Dify account ada@acme.example');
  asked = [];
  await detail.getByRole('button', { name: 'Only this client' }).click();
  await expect(page).toHaveURL(/client_id=account%3Aada%40acme.example/);
  await settled(page);
  await expect(page.getByText('Client id: Ada Lovelace · Dify account ada@acme.example')).toBeVisible();
  expect(asked.length).toBeGreaterThan(0);
  for (const url of asked) {
    expect(url, 'only Dify rows carry account ids').toMatch(/\/dify\/v1\/workflows\/logs\?/);
    expect(url).toContain('created_by_account=ada@acme.example');
  }
  expect(new Set(await column(page, 6))).toEqual(new Set(['Ada Lovelace']));

  // From a pasted link, across collection types: Aitronos' credential id.
  asked = [];
  await page.goto('/?period=24h&tz=utc&client_id=credential:cred_notion_02');
  await settled(page);
  await expect(page.getByText('Client id: Notion wiki · Aitronos credential cred_notion_02')).toBeVisible();
  expect(asked.length).toBeGreaterThan(0);
  for (const url of asked) expect(url).toMatch(/\/aitronos\/v1\/personal-connectors\/logs\?.*credential_id=cred_notion_02/);
  // Items may carry nothing but an id and a time: the vendor matched them, so
  // they stay, nameless, rather than being hidden by a second filter here.
  const names = new Set(await column(page, 6));
  expect(names.has('Notion wiki')).toBe(true);
  for (const name of names) expect(['Notion wiki', '']).toContain(name);
  // The vendor filtered: every row it matched is loaded and counted bare.
  await expect(page.locator('.row-count')).toHaveText(/^\d+ rows?$/);
});
