// What a browser downloads: the release build's own brotli copies, compressed
// once at the highest quality, not the server's quicker on-the-fly compression.
import { statSync } from 'node:fs';
import { test, expect } from './helpers';

test('the wasm is sent as the brotli copy the release build wrote', async ({ page }) => {
  const html = await (await page.request.get('/')).text();
  const wasm = html.match(/\/([\w.-]+_bg\.wasm)/)?.[1] ?? '';
  expect(wasm).not.toBe('');
  const answer = await page.request.get(`/${wasm}`, { headers: { 'accept-encoding': 'br' } });
  expect(answer.headers()['content-encoding']).toBe('br');
  expect(answer.headers()['vary']).toBe('accept-encoding');
  expect(Number(answer.headers()['content-length'])).toBe(statSync(`dist/${wasm}.br`).size);
  // Decoded, it is the wasm module itself.
  expect([...(await answer.body()).subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
});

test('the page and the JS glue are sent minified', async ({ page }) => {
  const html = await (await page.request.get('/')).text();
  const glue = html.match(/href=["']?\/([^"' >]+\.js)/)?.[1] ?? '';
  expect(glue).not.toBe('');
  const answer = await page.request.get(`/${glue}`, { headers: { 'accept-encoding': 'br' } });
  // The stored brotli copy is of the minified glue.
  expect(Number(answer.headers()['content-length'])).toBe(statSync(`dist/${glue}.br`).size);
  const code = await answer.text();
  // As written they are about 1 500 and 360 lines, indented and commented.
  expect(code.split('\n').length).toBeLessThan(20);
  expect(code).toMatch(/^export /m);
  expect(html.split('\n').length).toBeLessThan(40);
  expect(html).not.toContain('<!--');
});

test('the static page is painted, styled by its inlined stylesheet, before the wasm is asked for', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  await page.goto('/');
  await expect(page.locator('.row-count')).toBeVisible();
  const timings = await page.evaluate(() => ({
    painted: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    wasmAsked: performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('_bg.wasm'))?.startTime ?? null,
    stylesheets: document.querySelectorAll('link[rel=stylesheet]').length,
    topbar: getComputedStyle(document.querySelector('.topbar')!).display,
  }));
  expect(timings.painted).not.toBeNull();
  expect(timings.wasmAsked).not.toBeNull();
  expect(timings.wasmAsked!).toBeGreaterThanOrEqual(timings.painted!);
  // Asked for when the paint was reported, not by the loader's 500 ms fallback.
  expect(timings.wasmAsked! - timings.painted!).toBeLessThan(300);
  // The stylesheet is in the page (no request before the first paint), and the CSP lets it apply.
  expect(timings.stylesheets).toBe(0);
  expect(timings.topbar).toBe('flex');
  expect(violations).toEqual([]);
});
