/**
 * Scrolls the virtualised photo grid of a served library in Chromium from top
 * to bottom, one step per animation frame, and reports frame intervals and how
 * many tiles the DOM held (virtualisation keeps it to a screenful).
 */
import { launch, serve } from '../../test/e2e/serve-harness.ts';

export async function scrollGrid(libraryDir: string, expected: number) {
  const served = await serve(libraryDir);
  const browser = await launch();
  try {
    const page = browser.page;
    await page.goto(served.url);
    await page.getByText(`${expected} photos`).waitFor({ timeout: 60_000 });
    // Browser-side code as a string: this file is type-checked without the DOM lib.
    const result = (await page.evaluate(`(async () => {
      const el = document.querySelector('[role="listbox"]');
      const steps = 600;
      const frames = [];
      let last = performance.now();
      const max = el.scrollHeight - el.clientHeight;
      let maxTiles = 0;
      for (let i = 0; i <= steps; i++) {
        el.scrollTop = (max * i) / steps;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        maxTiles = Math.max(maxTiles, document.querySelectorAll('[role="option"]').length);
      }
      frames.sort((a, b) => a - b);
      const pick = (p) => +frames[Math.min(frames.length - 1, Math.floor(p * frames.length))].toFixed(1);
      return { scrollHeightPx: el.scrollHeight, frames: frames.length, frameMs: { p50: pick(0.5), p95: pick(0.95), max: +frames.at(-1).toFixed(1) }, maxTilesInDom: maxTiles };
    })()`)) as Record<string, unknown>;
    return { photos: expected, browser: 'Debian Chromium (headless, software rendering)', ...result };
  } finally {
    await browser.close();
    await served.stop();
  }
}
