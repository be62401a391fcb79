// The first vertical slice: demo rows in the table, and a Status filter that lives in
// the URL, re-queries the API with Make's `status` parameter and survives reload,
// back and forward.
import { test, expect, Page, Request } from '@playwright/test';

const LOGS_REQUEST = /\/demo\/make\/api\/v2\/scenarios\/\d+\/logs\?/;

// A wasm panic kills the whole page: any uncaught error fails the test.
test.beforeEach(async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { errors: string[] }).errors = errors;
});
test.afterEach(async ({ page }) => {
  expect((page as Page & { errors: string[] }).errors).toEqual([]);
});

const rows = (page: Page) => page.locator('table.log-table tbody tr');
const statusCells = (page: Page) => page.locator('table.log-table tbody tr td:nth-child(2)');
const errorBox = (page: Page) => page.getByRole('checkbox', { name: 'Error' });

/** Collects the scenario-log requests the page makes until `until` resolves. */
async function logRequests(page: Page, until: () => Promise<unknown>): Promise<Request[]> {
  const seen: Request[] = [];
  const listener = (request: Request) => {
    if (LOGS_REQUEST.test(request.url())) seen.push(request);
  };
  page.on('request', listener);
  await until();
  page.off('request', listener);
  return seen;
}

/** Row keys the demo API itself returns for exactly the requests the page sent. */
async function keysFromApi(page: Page, requests: Request[]): Promise<string[]> {
  const keys: string[] = [];
  for (const request of requests) {
    const response = await page.request.get(request.url(), {
      headers: { Authorization: request.headers()['authorization'] },
    });
    expect(response.status()).toBe(200);
    const body = await response.json();
    for (const log of body.scenarioLogs) keys.push(`demo-make:${log.id}`);
  }
  return keys.sort();
}

async function shownKeys(page: Page): Promise<string[]> {
  return (await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key') ?? ''))).sort();
}

test('demo rows load, and the status filter round-trips through the URL and the API', async ({ page }) => {
  await page.goto('/');
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Loading' })).toHaveCount(0);
  const unfiltered = await statusCells(page).allTextContents();
  expect(new Set(unfiltered).size).toBeGreaterThan(1);

  const requests = await logRequests(page, async () => {
    await errorBox(page).check();
    await expect(page).toHaveURL(/[?&]status=error(&|$)/);
    await expect(page.getByRole('status').filter({ hasText: 'Loading' })).toHaveCount(0);
  });
  expect(requests.length).toBe(4);
  for (const request of requests) {
    expect(new URL(request.url()).searchParams.get('status')).toBe('3');
  }
  const errorsOnly = await statusCells(page).allTextContents();
  expect(errorsOnly.length).toBeGreaterThan(0);
  expect(new Set(errorsOnly)).toEqual(new Set(['Error']));
  expect(await shownKeys(page)).toEqual(await keysFromApi(page, requests));

  await page.reload();
  await expect(errorBox(page)).toBeChecked();
  await expect(rows(page).first()).toBeVisible();
  expect(new Set(await statusCells(page).allTextContents())).toEqual(new Set(['Error']));

  await page.goBack();
  await expect(page).not.toHaveURL(/status=/);
  await expect(errorBox(page)).not.toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: 'Loading' })).toHaveCount(0);
  expect(new Set(await statusCells(page).allTextContents()).size).toBeGreaterThan(1);

  await page.goForward();
  await expect(page).toHaveURL(/[?&]status=error(&|$)/);
  await expect(errorBox(page)).toBeChecked();
});

test('a refused token shows a readable message per source, not a blank page', async ({ page }) => {
  await page.route(LOGS_REQUEST, (route) =>
    route.continue({ headers: { ...route.request().headers(), authorization: 'Token wrong' } }),
  );
  await page.goto('/?status=warning');
  const alerts = page.getByRole('alert');
  await expect(alerts).toHaveCount(4);
  await expect(alerts.first()).toContainText('Make answered 401 (the token was refused): Access denied');
  await expect(rows(page)).toHaveCount(0);
});
