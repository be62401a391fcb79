// The table libraries people would pick instead of Logdeck, measured on the same
// rows in the same browser: AG Grid Community and Tabulator (bench/package.json).
// Each peer page (bench/peers/*.html) exposes `window.peer` with the operations
// bench/run.mjs times on Logdeck: a status filter, a text search, a sort, scrolling, memory.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import { scrollFrames, frameFigures } from './frames.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Serves bench/ (the peer pages and their node_modules) on a loopback port. */
async function serveBench(root) {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(root, path));
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

/** Milliseconds from calling `operation` to the first painted frame that shows its result. */
async function timeToPaint(page, operation, argument) {
  return page.evaluate(async ([operation, argument]) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const firstRow = () => {
      const rows = [...peer.rows()].filter((row) => row.getBoundingClientRect().height > 0);
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      return rows[0]?.textContent ?? '';
    };
    await frame();
    const before = firstRow();
    const start = performance.now();
    await peer[operation](argument);
    do {
      await frame();
    } while (firstRow() === before && performance.now() - start < 20000);
    return performance.now() - start;
  }, [operation, argument]);
}

async function measurePeer(browser, url, count, runs, median, percentile) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${url}?rows=${count}`);
  await page.waitForFunction(() => window.peer?.ready(), null, { timeout: 120000 });
  const result = { rows: count };
  const filter = [];
  const search = [];
  const sort = [];
  for (let run = 0; run < runs; run++) {
    // Each undo is let settle (a grid may draw it frames later) before the
    // next operation reads the first row it must change.
    const settle = () => page.waitForTimeout(200);
    filter.push(await timeToPaint(page, 'toggleErrors'));
    await page.evaluate(() => peer.toggleErrors());
    await settle();
    // Row 0 is Client 0's: the first row changes when the search applies.
    search.push(await timeToPaint(page, 'search', 'Client 7'));
    await page.evaluate(() => peer.search(''));
    await settle();
  }
  // Sorted last: a sorted grid's first row may match the search already.
  for (let run = 0; run < runs; run++) {
    // Longest first, then shortest: each sort changes the first row (row 0 is
    // the shortest already).
    sort.push(await timeToPaint(page, 'sortByDuration', run % 2 === 0));
  }
  result.statusFilterMs = median(filter);
  result.textFilterMs = median(search);
  result.sortMs = median(sort);
  const frames = await page.evaluate(scrollFrames);
  result.scrollFrameMs = frameFigures(frames, percentile, median);
  await page.evaluate(() => window.gc?.());
  result.jsHeapMiB = await page.evaluate(() => performance.memory.usedJSHeapSize / 2 ** 20);
  await context.close();
  return result;
}

/** Every peer's figures for `count` rows. */
export async function measurePeers(browser, benchDir, count, runs, median, percentile) {
  const { server, url } = await serveBench(benchDir);
  try {
    return {
      agGrid: await measurePeer(browser, `${url}/peers/ag-grid.html`, count, runs, median, percentile),
      tabulator: await measurePeer(browser, `${url}/peers/tabulator.html`, count, runs, median, percentile),
    };
  } finally {
    server.close();
  }
}
