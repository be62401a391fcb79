// The security envelope in the browser: the CSP blocks injected inline script,
// vendor strings with HTML stay text, and keys stay out of the console.
import { test, expect, rows, settled } from './helpers';

test('the Content-Security-Policy blocks an injected inline script', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  await page.goto('/');
  await settled(page);
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.appendChild(script);
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});

test('vendor strings containing HTML are shown as text', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  // Find the run whose error holds HTML, then open it by its run id (Dify's
  // keyword matches run ids, not error texts), over the hour around it: a search
  // reads the whole period, and 30 days of runs can outlast the wait on a busy machine.
  let runId = '';
  let createdAt = 0;
  for (let number = 1; !runId && number <= 20; number++) {
    const answer = await page.request.get(`/demo/dify/v1/workflows/logs?status=failed&limit=100&page=${number}`, {
      headers: { Authorization: 'Bearer demo-dify-support-key' },
    });
    const body = await answer.json();
    const item = body.data.find((i: { workflow_run: { error: string | null } }) => i.workflow_run.error?.includes('onerror'));
    runId = item?.workflow_run.id ?? '';
    createdAt = item?.created_at ?? 0;
    if (!body.has_more) break;
  }
  expect(runId).not.toBe('');
  const around = (seconds: number) => new Date((createdAt + seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const period = encodeURIComponent(`${around(-1800)}..${around(1800)}`);
  await page.goto(`/?type=dify-workflows&period=${period}&tz=utc&q=${runId}`);
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  await rows(page).first().click();
  const pane = page.getByRole('complementary', { name: 'Record detail' });
  await expect(pane).toContainText("<img src=x onerror=alert('xss')>");
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test('keys never reach the console, the URL or the page', async ({ page }) => {
  const logged: string[] = [];
  page.on('console', (message) => logged.push(message.text()));
  await page.goto('/connections');
  const card = page.getByRole('article', { name: 'Make (demo)' });
  await card.getByLabel('API key or token').fill('fault-429');
  await card.getByRole('button', { name: 'Save key' }).click();
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByRole('alert')).toContainText('Rate limited (429)');
  await page.goto('/?type=make-scenarios');
  // A key that is always rate-limited: the sources wait, counting down, unseen keys.
  await expect(page.locator('.rate-limit').first()).toContainText('resuming in');
  for (const secret of ['fault-429', 'demo-make-token']) {
    expect(logged.join('\n')).not.toContain(secret);
    expect(page.url()).not.toContain(secret);
    expect(await page.locator('body').innerText()).not.toContain(secret);
  }
  expect(await page.evaluate(() => JSON.stringify(window.localStorage))).not.toContain('fault-429');
});
