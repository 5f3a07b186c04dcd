/** The queue's time left (jobs/progress.ts): from this machine's measured stage speeds, smoothed, or none. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressTracker } from '../../src/main/jobs/progress.ts';

/** A clock the test moves. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (s: number) => (t += s) };
}

test('with nothing measured on this machine, no time is guessed at the start', () => {
  const c = clock();
  const p = new ProgressTracker(['detect', 'encode', 'map', 'decode'], { rates: {}, megapixels: 1, now: c.now });
  p.update({ type: 'stage', stage: 'detect', phase: 'start' });
  c.advance(0.4);
  p.update({ type: 'tile', stage: 'detect', tile: 1, tiles: 4 });
  // The old estimate (elapsed over weighted progress) said 15 s here for what took 3 s.
  assert.equal(p.etaSeconds, null);
});

test('measured stage speeds give the time left from the start, and it counts down without jumping up', () => {
  // This machine: detect 0.2 s/MP, encode 0.5, map 0.3, decode 2.0; a 4-MP photo takes 12 s.
  const rates = { detect: 0.2, encode: 0.5, map: 0.3, decode: 2.0 };
  const c = clock();
  const p = new ProgressTracker(['detect', 'encode', 'map', 'decode'], { rates, megapixels: 4, now: c.now });
  const seen: { eta: number; truth: number }[] = [];
  let elapsed = 0;
  for (const [stage, seconds] of [
    ['detect', 0.8],
    ['encode', 2],
    ['map', 1.2],
    ['decode', 8]
  ] as const) {
    p.update({ type: 'stage', stage, phase: 'start' });
    for (let tile = 1; tile <= 8; tile++) {
      c.advance(seconds / 8);
      elapsed += seconds / 8;
      p.update({ type: 'tile', stage, tile, tiles: 8 });
      seen.push({ eta: p.etaSeconds!, truth: 12 - elapsed });
    }
    p.update({ type: 'stage', stage, phase: 'end', seconds });
  }
  for (const { eta, truth } of seen)
    assert.ok(Math.abs(eta - truth) <= 0.5, `${eta.toFixed(2)} s left, truly ${truth.toFixed(2)}`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.eta <= seen[i - 1]!.eta + 1e-9, 'never rises');
});

test('a machine busier than its history: the estimate follows the pace of this job, smoothly', () => {
  const rates = { encode: 1, map: 1, decode: 1 };
  const c = clock();
  const p = new ProgressTracker(['encode', 'map', 'decode'], { rates, megapixels: 2, now: c.now });
  // Everything runs twice as slow as before: 4 s a stage, 12 s in all.
  let elapsed = 0;
  const errors: number[] = [];
  for (const stage of ['encode', 'map', 'decode'] as const) {
    p.update({ type: 'stage', stage, phase: 'start' });
    for (let tile = 1; tile <= 4; tile++) {
      c.advance(1);
      elapsed += 1;
      p.update({ type: 'tile', stage, tile, tiles: 4 });
      errors.push(Math.abs(p.etaSeconds! - (12 - elapsed)));
    }
    p.update({ type: 'stage', stage, phase: 'end', seconds: 4 });
  }
  // Off at first (the history says 6 s), close by the last stage, and never a jump of more than a few seconds.
  assert.ok(
    errors.slice(-4).every((e) => e <= 1.5),
    errors.map((e) => e.toFixed(1)).join(' ')
  );
});

test('the time left counts down between events', () => {
  const c = clock();
  const p = new ProgressTracker(['map', 'decode'], { rates: { map: 1, decode: 1 }, megapixels: 3, now: c.now });
  p.update({ type: 'stage', stage: 'map', phase: 'start' });
  assert.equal(p.etaSeconds, 6);
  c.advance(2);
  assert.equal(p.etaSeconds, 4);
});
