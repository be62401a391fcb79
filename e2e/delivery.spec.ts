// What a browser downloads: the release build's own brotli copies, compressed
// once at the highest quality, not the server's quicker on-the-fly compression.
import { statSync } from 'node:fs';
import { test, expect } from './helpers';

test('the wasm is sent as the brotli copy the release build wrote', async ({ page }) => {
  const html = await (await page.request.get('/')).text();
  const wasm = html.match(/href="\/([^"]+_bg\.wasm)"/)?.[1] ?? '';
  expect(wasm).not.toBe('');
  const answer = await page.request.get(`/${wasm}`, { headers: { 'accept-encoding': 'br' } });
  expect(answer.headers()['content-encoding']).toBe('br');
  expect(answer.headers()['vary']).toBe('accept-encoding');
  expect(Number(answer.headers()['content-length'])).toBe(statSync(`dist/${wasm}.br`).size);
  // Decoded, it is the wasm module itself.
  expect([...(await answer.body()).subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
});
