import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latentContext, takesContext } from '../../src/main/pipeline/context.ts';
import type { ModelSet } from '../../src/main/pipeline/manifest.ts';

test('photo context: per-channel mean then population standard deviation', () => {
  // two channels over a 2×2 plane
  const latent = Float32Array.from([1, 2, 3, 4, -5, -5, -5, -5]);
  const ctx = latentContext(latent, 2, 4);
  assert.deepEqual(Array.from(ctx.subarray(0, 2)), [2.5, -5]);
  assert.ok(Math.abs(ctx[2]! - Math.sqrt(1.25)) < 1e-6, `std ${ctx[2]} (the sample std would be ${Math.sqrt(5 / 3)})`);
  assert.equal(ctx[3], 0);
});

test('photo context: sums in float64, so a 24 MP latent keeps its precision', () => {
  const plane = 1500 * 1000;
  const latent = new Float32Array(plane).fill(1000.1);
  latent[0] = 1000.1 + 1500; // one outlier: shifts the mean by exactly 0.001
  const [mean, std] = latentContext(latent, 1, plane);
  assert.ok(Math.abs(mean! - (Math.fround(1000.1) + 0.001)) < 1e-4, `mean ${mean}`);
  assert.ok(Math.abs(std! - 1500 * Math.sqrt((plane - 1) / plane / plane)) < 1e-3, `std ${std}`);
});

test('photo context: refused for a latent smaller than its geometry; read from the map stage inputs', () => {
  assert.throws(() => latentContext(new Float32Array(3), 1, 4), /smaller than its geometry/);
  const withInputs = (inputs: Record<string, unknown>) => ({ manifest: { stages: { map: { inputs } } } }) as unknown as ModelSet;
  assert.equal(takesContext(withInputs({ latent: [], mask: [], context: [] })), true);
  assert.equal(takesContext(withInputs({ latent: [], mask: [] })), false);
});
