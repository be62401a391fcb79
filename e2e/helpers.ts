// Shared by the end-to-end tests: a fixture that fails any test whose page threw
// (a wasm panic kills the whole page), and readers for the table and the API.
import { test as base, expect, Page, Request } from '@playwright/test';

export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});
export { expect };

export const LOGS_REQUEST = /\/demo\/(make\/api\/v2\/scenarios\/\d+\/logs|make\/api\/v2\/audit-logs\/organization\/\d+|dify\/v1\/workflows\/logs|aitronos\/v1\/personal-connectors\/logs)\?/;

export const rows = (page: Page) => page.locator('table.log-table tbody tr[data-key]');

/** Waits until no source is loading and at least one row or notice is shown. */
export async function settled(page: Page) {
  await expect(page.locator('.sources-summary')).toBeVisible();
  await expect(page.locator('.source.loading')).toHaveCount(0);
}

/** Text of one column (1-based) over the rendered rows. */
export async function column(page: Page, index: number): Promise<string[]> {
  return rows(page).locator(`td:nth-child(${index})`).allTextContents();
}

export async function shownKeys(page: Page): Promise<string[]> {
  return (await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key') ?? ''))).sort();
}

/** Collects the log requests the page sends while `action` runs. */
export async function requestsDuring(page: Page, action: () => Promise<unknown>): Promise<Request[]> {
  const seen: Request[] = [];
  const listener = (request: Request) => {
    if (LOGS_REQUEST.test(request.url())) seen.push(request);
  };
  page.on('request', listener);
  await action();
  page.off('request', listener);
  return seen;
}

/** The record keys the demo API itself returns for exactly these requests. */
export async function keysFromApi(page: Page, requests: Request[]): Promise<string[]> {
  const keys: string[] = [];
  for (const request of requests) {
    const headers = request.headers();
    const auth: Record<string, string> = {};
    if (headers['authorization']) auth['Authorization'] = headers['authorization'];
    if (headers['x-api-key']) auth['X-API-Key'] = headers['x-api-key'];
    const response = await page.request.get(request.url(), { headers: auth });
    expect(response.status()).toBe(200);
    const body = await response.json();
    const url = new URL(request.url());
    const scenario = url.pathname.match(/scenarios\/(\d+)\/logs/);
    if (scenario) {
      for (const log of body.scenarioLogs) keys.push(`demo-make/scenario/${scenario[1]}:${log.id}`);
    } else if (url.pathname.includes('/dify/')) {
      const app = headers['authorization'].includes('triage') ? 2 : 1;
      for (const item of body.data) keys.push(`demo-dify-${app}:${item.id}`);
    } else if (url.pathname.includes('/aitronos/')) {
      for (const item of body.logs) keys.push(`demo-aitronos:${item.id}`);
    } else {
      for (const entry of body.auditLogs) keys.push(`demo-make/audit:${entry.uuid}`);
    }
  }
  return keys.sort();
}

/** Runs axe-core in the page and returns its violations (rule ids and targets). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(
      (v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
  return violations;
}
