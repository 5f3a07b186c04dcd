/**
 * PyTorch ↔ onnxruntime parity of the exported stages (the tone stage and
 * decode's tone input included): `training.export
 * --random-init --parity` (tiny config) writes a seeded input per stage and
 * PyTorch's output; every ONNX file must reproduce it within 1e-3 on
 * onnxruntime-node (batch 2, odd sizes: the dynamic axes are exercised too).
 * The shipped `resources/models` is checked the same way when it carries a
 * `parity/` folder. Skipped, saying why, where Debian's torch is missing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModelSet, verifiedStagePath, STAGES } from '../../src/main/pipeline/manifest.ts';
import { tempDir } from '../fixtures/pipeline-images.ts';
import { ROOT, checkParity, pythonModule, pythonTest } from './model-parity-helpers.ts';

const TOLERANCE = 1e-3;
let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('parity');
});
after(() => tmp.cleanup());

pythonTest('ONNX stages match PyTorch within 1e-3 (tiny config, random weights)', 300_000, async (t) => {
  const out = join(tmp.dir, 'models');
  await pythonModule('training.export', [
    '--random-init',
    '--config',
    'training/configs/tiny.json',
    '--out',
    out,
    '--parity'
  ]);
  const models = await loadModelSet(out);
  for (const stage of [...STAGES, 'tone' as const]) await verifiedStagePath(models, stage);
  assert.equal(models.manifest.stages.map.spatialMultiple, 1);
  assert.equal(models.manifest.stages.detect.normalisation.grayscale, true);
  const { index, results } = await checkParity(out, join(out, 'parity'));
  assert.equal(index.modelId, models.manifest.modelId);
  assert.deepEqual(Object.keys(index.stages).sort(), [...STAGES, 'tone'].sort());
  for (const r of results) {
    t.diagnostic(`${r.stage}.${r.output} [${r.shape}] max |onnx − torch| = ${r.maxAbsDiff.toExponential(2)}`);
    assert.ok(r.maxAbsDiff <= TOLERANCE, `${r.stage}.${r.output}: max abs diff ${r.maxAbsDiff} > ${TOLERANCE}`);
  }
});

test('shipped resources/models match their parity fixtures', { timeout: 300_000 }, async (t) => {
  const dir = join(ROOT, 'resources', 'models');
  if (!existsSync(join(dir, 'parity', 'index.json')))
    return t.skip('resources/models has no parity/ folder (export with --parity to add one)');
  const models = await loadModelSet(dir);
  const { index, results } = await checkParity(dir, join(dir, 'parity'));
  for (const stage of Object.keys(models.manifest.stages) as (keyof typeof models.manifest.stages)[])
    assert.equal(
      index.sha256[stage],
      models.manifest.stages[stage]!.sha256,
      `parity fixtures of ${stage} belong to another export`
    );
  for (const r of results) {
    t.diagnostic(`${r.stage}.${r.output} max |onnx − torch| = ${r.maxAbsDiff.toExponential(2)}`);
    assert.ok(r.maxAbsDiff <= TOLERANCE, `${r.stage}.${r.output}: max abs diff ${r.maxAbsDiff} > ${TOLERANCE}`);
  }
});
