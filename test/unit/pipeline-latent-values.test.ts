import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latentContext, takesContext } from '../../src/main/pipeline/context.ts';
import { HALF_TO_FLOAT, packHalf, toHalf, unpackHalf } from '../../src/main/pipeline/half.ts';
import type { ModelSet } from '../../src/main/pipeline/manifest.ts';

const halves = (values: number[] | Float32Array) => {
  const out = new Uint16Array(values.length);
  packHalf(Float32Array.from(values), out, 0);
  return out;
};

test('half floats: exact where representable, nearest-even otherwise, saturating, NaN kept', () => {
  for (const v of [0, 1, -1, 0.5, 2.5, 1000, 65504, -65504, 2 ** -14, 2 ** -24, -0.375])
    assert.equal(HALF_TO_FLOAT[toHalf(v)], v, `${v}`);
  assert.equal(HALF_TO_FLOAT[toHalf(1 + 2 ** -11)], 1, 'a tie rounds to the even neighbour');
  assert.equal(HALF_TO_FLOAT[toHalf(1 + 3 * 2 ** -11)], 1 + 2 ** -9, 'a tie rounds to the even neighbour (up)');
  assert.equal(HALF_TO_FLOAT[toHalf(1 + 2 ** -11 + 2 ** -20)], 1 + 2 ** -10, 'past the tie rounds up');
  assert.equal(HALF_TO_FLOAT[toHalf(3 * 2 ** -25)], 2 ** -23, 'subnormals round too');
  assert.equal(HALF_TO_FLOAT[toHalf(1e6)], 65504);
  assert.equal(HALF_TO_FLOAT[toHalf(-Infinity)], -65504);
  assert.ok(Number.isNaN(HALF_TO_FLOAT[toHalf(NaN)]));
  assert.equal(HALF_TO_FLOAT[toHalf(2 ** -26)], 0);
  // the detail band's range: pixels in [-1, 1] come back within 2.5e-4 (0.03 of an 8-bit level)
  let worst = 0;
  for (let i = 0; i <= 65535; i++) {
    const v = (i / 65535) * 2 - 1;
    worst = Math.max(worst, Math.abs(HALF_TO_FLOAT[toHalf(v)]! - v));
  }
  assert.ok(worst < 2.5e-4, `worst error ${worst}`);
  const back = new Float32Array(3);
  unpackHalf(halves([0.25, -2, 7]), 0, 3, back, 0);
  assert.deepEqual(Array.from(back), [0.25, -2, 7]);
});

test('photo context: per-channel mean then population standard deviation', () => {
  // two channels over a 2×2 plane
  const ctx = latentContext(halves([1, 2, 3, 4, -5, -5, -5, -5]), 2, 4);
  assert.deepEqual(Array.from(ctx.subarray(0, 2)), [2.5, -5]);
  assert.ok(Math.abs(ctx[2]! - Math.sqrt(1.25)) < 1e-6, `std ${ctx[2]} (the sample std would be ${Math.sqrt(5 / 3)})`);
  assert.equal(ctx[3], 0);
});

test('photo context: sums in float64, so a 24 MP latent keeps its precision', () => {
  const plane = 1500 * 1000;
  const latent = new Uint16Array(plane).fill(toHalf(1000));
  latent[0] = toHalf(2500); // one outlier: shifts the mean by exactly 0.001
  const [mean, std] = latentContext(latent, 1, plane);
  assert.ok(Math.abs(mean! - 1000.001) < 1e-4, `mean ${mean}`);
  assert.ok(Math.abs(std! - (1500 * Math.sqrt(plane - 1)) / plane) < 1e-3, `std ${std}`);
});

test('photo context: refused for a latent smaller than its geometry; read from the map stage inputs', () => {
  assert.throws(() => latentContext(new Uint16Array(3), 1, 4), /smaller than its geometry/);
  const withInputs = (inputs: Record<string, unknown>) =>
    ({ manifest: { stages: { map: { inputs } } } }) as unknown as ModelSet;
  assert.equal(takesContext(withInputs({ latent: [], mask: [], context: [] })), true);
  assert.equal(takesContext(withInputs({ latent: [], mask: [] })), false);
});
