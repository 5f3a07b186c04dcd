/**
 * The contract with `training/`: a model set written by
 * `training.export --random-init` (tiny config) passes the engine's manifest
 * validation and checksums and runs a restore and a mapping-only re-run.
 * Skipped, saying why, where `training.export` or Debian's torch is missing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { loadModelSet } from '../../src/main/pipeline/manifest.ts';
import { rerunMapping } from '../../src/main/pipeline/rerun.ts';
import { restoreFile } from '../../src/main/pipeline/restore.ts';
import { ModelSessions } from '../../src/main/pipeline/sessions.ts';
import { colourPng, tempDir } from '../fixtures/pipeline-images.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('exported');
});
after(() => tmp.cleanup());

test('models exported by training.export run through the engine', { timeout: 600_000 }, async (t) => {
  if (!existsSync(join(ROOT, 'training', 'export.py'))) return t.skip('training/export.py is not in this checkout');
  if (!existsSync('/usr/bin/python3')) return t.skip('Debian python3 with torch is not installed');
  const out = join(tmp.dir, 'models');
  await promisify(execFile)(
    '/usr/bin/python3',
    ['-m', 'training.export', '--random-init', '--config', 'training/configs/tiny.json', '--out', out],
    {
      cwd: ROOT,
      timeout: 500_000
    }
  );
  const models = await loadModelSet(out);
  const sessions = await ModelSessions.open(models, { provider: 'cpu', threads: 1 });
  try {
    const input = join(tmp.dir, 'photo.png');
    await colourPng(input, 150, 110);
    const cacheDir = join(tmp.dir, 'v1');
    const first = await restoreFile(sessions, input, {
      outPath: join(tmp.dir, 'v1.png'),
      scratches: 'on',
      cacheDir,
      maskOutPath: join(tmp.dir, 'v1.mask.png')
    });
    assert.deepEqual([first.width, first.height], [150, 110]);
    const mask = await sharp(Buffer.alloc(150 * 110, 255), { raw: { width: 150, height: 110, channels: 1 } })
      .png()
      .toFile(join(tmp.dir, 'edit.png'));
    assert.equal(mask.width, 150);
    const stages: string[] = [];
    const second = await rerunMapping(sessions, cacheDir, join(tmp.dir, 'edit.png'), {
      outPath: join(tmp.dir, 'v2.png'),
      previousOutput: join(tmp.dir, 'v1.png'),
      onEvent: (e) => e.type === 'stage' && e.phase === 'start' && stages.push(e.stage)
    });
    assert.deepEqual(stages, ['map', 'decode']);
    assert.equal(second.maskCoverage, 1);
    assert.equal((await sharp(join(tmp.dir, 'v2.png')).metadata()).width, 150);
  } finally {
    await sessions.release();
  }
});
