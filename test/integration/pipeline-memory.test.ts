/**
 * The memory budget: a 24-megapixel scan restored (detect, encode, map,
 * decode, latent cache, mask) in a runner process peaks at ≤ 1.5 GB RSS.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { RunnerMessage } from '../../src/main/jobs/runner-protocol.ts';
import { nodeRunnerSpawner } from '../../src/main/jobs/spawn.ts';
import { TINY_MODELS, tempDir } from '../fixtures/pipeline-images.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('memory');
});
after(() => tmp.cleanup());

test('a 24 MP scan restores within 1.5 GB peak RSS', { timeout: 300_000 }, async () => {
  const photo = join(tmp.dir, 'scan.jpg');
  const small = Buffer.alloc(1500 * 1000 * 3);
  for (let i = 0; i < small.length; i++) small[i] = 60 + ((i * 37) % 140);
  await sharp(small, { raw: { width: 1500, height: 1000, channels: 3 } })
    .resize(6000, 4000)
    .jpeg({ quality: 90 })
    .toFile(photo);
  const runner = nodeRunnerSpawner()();
  try {
    const done = new Promise<RunnerMessage>((resolve) =>
      runner.onMessage((m) => (m.type === 'done' || m.type === 'failed' || m.type === 'config-error') && resolve(m))
    );
    runner.send({ type: 'configure', config: { modelDirs: [TINY_MODELS], provider: 'cpu', threads: 2 } });
    const cacheDir = join(tmp.dir, 'v1');
    runner.send({
      type: 'run',
      job: {
        jobId: 1,
        kind: 'restore',
        input: photo,
        outPath: join(cacheDir, 'restored.png'),
        cacheDir,
        scratches: 'on'
      }
    });
    const m = await done;
    assert.equal(m.type, 'done', JSON.stringify(m));
    if (m.type !== 'done') return;
    assert.deepEqual([m.result.width, m.result.height], [6000, 4000], 'never downscaled');
    assert.ok(m.maxRssMB <= 1536, `peak RSS ${m.maxRssMB} MB`);
    const meta = await sharp(m.result.outPath).metadata();
    assert.deepEqual([meta.width, meta.height], [6000, 4000]);
  } finally {
    runner.kill();
  }
});
