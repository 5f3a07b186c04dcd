import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planAxis, reflect, scalePlan, StripBlender } from '../../src/main/pipeline/tiling.ts';
import { latentMask } from '../../src/main/pipeline/mask.ts';
import { probeVerdict } from '../../src/main/pipeline/providers.ts';

function sums(plan: ReturnType<typeof planAxis>): Float32Array {
  const s = new Float32Array(plan.length);
  plan.weights.forEach((w, i) => w.forEach((v, k) => (s[plan.starts[i]! + k]! += v)));
  return s;
}

test('axis plans cover the length, keep tiles on the multiple and weights sum to 1', () => {
  for (const [length, tile, overlap, mult] of [
    [100, 32, 8, 4],
    [64, 64, 8, 4],
    [40, 64, 8, 4],
    [1000, 256, 32, 8],
    [132, 32, 12, 4]
  ] as const) {
    const plan = planAxis(length, tile, overlap, mult);
    assert.ok(plan.size <= length && plan.size % mult === 0, `size ${plan.size}`);
    assert.equal(plan.starts[0], 0);
    assert.equal(plan.starts.at(-1)! + plan.size, length);
    for (const s of plan.starts) assert.equal(s % mult, 0);
    for (let i = 1; i < plan.starts.length; i++)
      assert.ok(plan.starts[i - 1]! + plan.size - plan.starts[i]! >= Math.min(overlap, plan.size / 2));
    for (const v of sums(plan)) assert.ok(Math.abs(v - 1) < 1e-5, `sum ${v}`);
    for (const v of sums(scalePlan(plan, 4))) assert.ok(Math.abs(v - 1) < 1e-5);
  }
});

test('feathering gives tile edges inside an overlap no weight', () => {
  const plan = planAxis(96, 64, 32, 4);
  assert.equal(plan.starts.length, 2);
  assert.equal(plan.weights[1]![0], 0, 'first column of the second tile is a dead margin');
  assert.equal(plan.weights[0]![63], 0, 'last column of the first tile is a dead margin');
});

test('the strip blender reproduces a constant image exactly from overlapping tiles', () => {
  const py = planAxis(40, 16, 6, 2);
  const px = planAxis(36, 16, 6, 2);
  const out = new Float32Array(2 * 40 * 36);
  const blender = new StripBlender(2, 36, 40, py.size, (y0, rows, data) => {
    for (let c = 0; c < 2; c++) out.set(data.subarray(c * rows * 36, (c + 1) * rows * 36), c * 40 * 36 + y0 * 36);
  });
  const tile = new Float32Array(2 * py.size * px.size);
  tile.fill(3, 0, py.size * px.size);
  tile.fill(-1, py.size * px.size);
  py.starts.forEach((y0, iy) =>
    px.starts.forEach((x0, ix) => blender.add(tile, y0, x0, py.size, px.size, py.weights[iy]!, px.weights[ix]!))
  );
  blender.finish();
  for (let i = 0; i < 40 * 36; i++) {
    assert.ok(Math.abs(out[i]! - 3) < 1e-5);
    assert.ok(Math.abs(out[40 * 36 + i]! + 1) < 1e-5);
  }
});

test('reflect mirrors without repeating the edge pixel', () => {
  assert.deepEqual(
    [-2, -1, 0, 1, 4, 5, 6].map((i) => reflect(i, 5)),
    [2, 1, 0, 1, 4, 3, 2]
  );
  assert.equal(reflect(7, 1), 0);
});

test('latent mask dilates then max-pools by 4', () => {
  const w = 16;
  const h = 8;
  const mask = new Uint8Array(w * h);
  mask[3 * w + 8] = 1; // one pixel in latent cell (0, 2), on its left and bottom edges
  const none = latentMask(mask, w, h, 2, 4, 0);
  assert.deepEqual([...none], [0, 0, 1, 0, 0, 0, 0, 0]);
  const grown = latentMask(mask, w, h, 2, 4, 1);
  assert.deepEqual([...grown], [0, 1, 1, 0, 0, 1, 1, 0]);
});

test('the provider probe rejects NaN and blank outputs', () => {
  assert.match(probeVerdict(new Float32Array([0, NaN]))!, /NaN/);
  assert.match(probeVerdict(new Float32Array(16).fill(0.25))!, /blank/);
  assert.equal(probeVerdict(new Float32Array([0, 0.5])), null);
});
