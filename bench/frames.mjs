// Scrolling, timed by frames: what `bench/run.mjs` and `bench/peers.mjs` both measure.

/**
 * Runs in the page: scrolls the table 400 px a frame for 240 frames. Returns each
 * frame's start as the browser stamps it (requestAnimationFrame's argument), and
 * when the bench's callback ran (`performance.now()` in it, the bench's measure
 * before 2026-12-06). The second moves with whatever ran before the callback in the
 * same frame, so it reads 9 ms "frames" at 60 Hz and a static page over 16.7 ms; the
 * first shows when each frame really began.
 * `selector` names the scrolling element; without it the peer page's `peer.scroller()`.
 */
export async function scrollFrames(selector) {
  const scroller = selector ? document.querySelector(selector) : peer.scroller();
  scroller.scrollTop = 0;
  const starts = [];
  const callbacks = [];
  for (let i = 0; i < 240; i++) {
    scroller.scrollTop += 400;
    starts.push(await new Promise((resolve) => requestAnimationFrame(resolve)));
    callbacks.push(performance.now());
  }
  return { starts, callbacks };
}

/**
 * Frame intervals from `scrollFrames`: each snapped to whole frames of the display's
 * period (the median interval; Chromium stamps frames to 0.1 ms, so one 60 Hz frame
 * reads 16.6–16.8 ms), `late` the frames that came one period or more after they were
 * due, and the old callback-to-callback p95 for comparison.
 */
export function frameFigures({ starts, callbacks }, percentile, median) {
  const intervals = (times) => times.slice(1).map((time, i) => time - times[i]);
  const measured = intervals(starts);
  const period = median(measured);
  const frames = measured.map((interval) => Math.max(1, Math.round(interval / period)));
  return {
    p50: percentile(frames, 50) * period,
    p95: percentile(frames, 95) * period,
    late: frames.filter((count) => count > 1).length,
    frames: frames.length,
    periodMs: period,
    callbackP95: percentile(intervals(callbacks), 95),
  };
}
