// Scrolling, timed by frames: what `bench/run.mjs` and `bench/peers.mjs` both measure.

/**
 * Runs in the page: first 30 frames of nothing, which give the display's period,
 * then the table scrolled 400 px a frame for 240 frames. Returns each frame's start as
 * the browser stamps it (requestAnimationFrame's argument: when the main thread began
 * the frame) and when the bench's callback ran (`performance.now()` in it, the
 * bench's measure before 2026-12-06). The second moves with whatever ran before the
 * callback in the same frame, so it read 9 ms "frames" at 60 Hz and a static page
 * over 16.7 ms. A frame the compositor drops after the main thread is done shows in
 * neither.
 * `selector` names the scrolling element; without it the peer page's `peer.scroller()`.
 */
export async function scrollFrames(selector) {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const idle = [];
  for (let i = 0; i < 30; i++) idle.push(await frame());
  const scroller = selector ? document.querySelector(selector) : peer.scroller();
  scroller.scrollTop = 0;
  const starts = [];
  const callbacks = [];
  for (let i = 0; i < 240; i++) {
    scroller.scrollTop += 400;
    starts.push(await frame());
    callbacks.push(performance.now());
  }
  return { idle, starts, callbacks };
}

/**
 * Figures from `scrollFrames`. The period is the idle frames' median interval, not
 * the scroll's, so a page that is slow on every frame reads slow. Each scroll interval
 * is snapped to whole periods for p50/p95 (Chromium stamps frames to 0.1 ms, so one
 * 60 Hz frame reads 16.6–16.8 ms); `late` counts the intervals of 1.5 periods or
 * more. The raw intervals' p95 and the old callback-to-callback figures come along.
 */
export function frameFigures({ idle, starts, callbacks }, percentile, median) {
  const intervals = (times) => times.slice(1).map((time, i) => time - times[i]);
  const idlePeriod = median(intervals(idle));
  const period = idlePeriod > 0 ? idlePeriod : 1000 / 60;
  const measured = intervals(starts);
  const frames = measured.map((interval) => Math.max(1, Math.round(interval / period)));
  const callbackIntervals = intervals(callbacks);
  return {
    p50: percentile(frames, 50) * period,
    p95: percentile(frames, 95) * period,
    late: measured.filter((interval) => interval >= 1.5 * period).length,
    frames: measured.length,
    periodMs: period,
    rawP95: percentile(measured, 95),
    callbackP50: percentile(callbackIntervals, 50),
    callbackP95: percentile(callbackIntervals, 95),
  };
}
