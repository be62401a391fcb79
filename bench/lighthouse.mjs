// Lighthouse's default (mobile) profile on the demo dashboard: performance and
// accessibility scores, the web vitals behind them, and the target-size audit.
import http from 'node:http';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const AUDITS = {
  lcpMs: 'largest-contentful-paint',
  cls: 'cumulative-layout-shift',
  tbtMs: 'total-blocking-time',
  fcpMs: 'first-contentful-paint',
};

/** One Lighthouse run; `throttlingMethod` 'devtools' applies the profile's
 * network and CPU limits to the load itself instead of simulating them. */
export async function runLighthouse(url, chromePath, throttlingMethod = 'simulate') {
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
      throttlingMethod,
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

/** Headers about one connection, not the answer (RFC 9110 §7.6.1): the link's own connection sets them. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection'];

/**
 * A rough network link in front of `target`, for the load Lighthouse observes:
 * each answer starts `latencyMs` late and flows at `bitsPerSecond` (each
 * response on its own; no delay on the request or the connection's setup).
 * Lighthouse simulates its mobile profile from the order things happened in the
 * load it observed. Over bare loopback the 455 KB wasm (preloaded in the page's
 * head) can finish before the first paint, and the simulation then charges the
 * whole wasm to the largest paint. See docs/performance.md, "Lighthouse".
 */
export function startLink(target, { latencyMs = 20, bitsPerSecond = 20e6 } = {}) {
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const server = http.createServer((request, response) => {
    const { pathname, search } = new URL(request.url, 'http://link');
    const headers = { ...request.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    const upstream = http.request(new URL(pathname + search, target), { method: request.method, headers }, (answer) => {
      const answerHeaders = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete answerHeaders[name];
      // Everything sent to the browser goes through one queue, in order.
      let queue = Promise.resolve();
      const then = (step) => { queue = queue.then(step).catch(() => response.destroy()); };
      then(() => wait(latencyMs).then(() => response.writeHead(answer.statusCode, answerHeaders)));
      answer.on('data', (chunk) => {
        answer.pause();
        then(() => wait((chunk.length * 8 * 1000) / bitsPerSecond).then(() => {
          response.write(chunk);
          answer.resume();
        }));
      });
      answer.on('end', () => then(() => response.end()));
      answer.on('error', () => response.destroy());
    });
    upstream.on('error', () => response.destroy());
    response.on('error', () => {});
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => server.close(),
  })));
}
