import { chromium } from 'playwright';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const p = await b.newPage({ viewport: { width: 1280, height: 800 } });
await p.goto('http://127.0.0.1:8442/?period=1h&live=1');
for (let i = 0; i < 8; i++) {
  await p.waitForTimeout(6000);
  const t = await p.evaluate(() => [document.querySelector('.live-state')?.textContent, document.querySelector('.row-count')?.textContent, document.querySelector('.source-summary, .sources-summary, .summary')?.textContent].join(' | '));
  console.log(new Date().toISOString().slice(11,19), t);
}
await b.close();
