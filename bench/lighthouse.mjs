// Lighthouse's default (mobile) profile on the demo dashboard: performance and
// accessibility scores, the web vitals behind them, and the target-size audit.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const AUDITS = {
  lcpMs: 'largest-contentful-paint',
  cls: 'cumulative-layout-shift',
  tbtMs: 'total-blocking-time',
  fcpMs: 'first-contentful-paint',
};

export async function runLighthouse(url, chromePath) {
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const { lhr } = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
    });
    const result = {
      performance: lhr.categories.performance.score,
      accessibility: lhr.categories.accessibility.score,
      targetSize: lhr.audits['target-size']?.score ?? null,
      failedAccessibilityAudits: lhr.categories.accessibility.auditRefs
        .map((ref) => lhr.audits[ref.id])
        .filter((audit) => audit.score !== null && audit.score < 1)
        .map((audit) => audit.id),
    };
    for (const [key, id] of Object.entries(AUDITS)) result[key] = lhr.audits[id].numericValue;
    return result;
  } finally {
    await chrome.kill();
  }
}
