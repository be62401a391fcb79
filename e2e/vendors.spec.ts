// Real vendors send what their documents allow, not what the demo happens to send:
// one odd row never hides the others, and the page names it.
import { test, expect, rows, settled } from './helpers';

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

test('a Make execution with a hex id opens its detail', async ({ page }) => {
  await page.goto('/?period=24h&type=make-scenarios&status=error');
  await settled(page);
  await rows(page).first().click();
  const pane = page.getByRole('complementary', { name: 'Record detail' });
  const id = (await pane.locator('.fields dt:text-is("Record id") + dd').textContent()) ?? '';
  expect(id).toMatch(/^[0-9a-f]{32}$/);
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
