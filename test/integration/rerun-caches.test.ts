/**
 * Freeing the disk the latent caches take, over a real library, the tiny
 * model set and the real runner: the size is reported, removal frees exactly
 * that and keeps outputs and masks, a mask edit on a version without its cache
 * still works (the whole chain from the original with the edited mask) and
 * gives the new version a cache of its own, so the next edit is mapping-only
 * again. Removal keeps what waiting re-runs need; a cache-less version deletes whole.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createServices, type Services } from '../../src/main/services/index.ts';
import type { JobEvent, VersionInfo } from '../../src/shared/types.ts';
import { TINY_MODELS } from '../fixtures/pipeline-images.ts';
import { makePhoto } from '../helpers/images.ts';
import { queueIdle } from '../fixtures/queue-idle.ts';

const W = 160;
const H = 120;
let work: string;
let lib: string;
let svc: Services;
let photoId: number;
const events: JobEvent[] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-caches-'));
  lib = join(work, 'lib');
  svc = await createServices({
    libraryDir: lib,
    emit: (event, payload) => void (event === 'jobs:event' && events.push(payload as JobEvent)),
    modelDirs: [TINY_MODELS]
  });
  await makePhoto(join(work, 'in', 'attic.png'), W, H, { seed: 5, format: 'png' });
  await svc.handlers['import:paths']({ paths: [join(work, 'in', 'attic.png')] });
  photoId = (await svc.handlers['library:list']({ offset: 0, limit: 1, sort: 'imported' })).items[0]!.id;
});
after(async () => {
  await svc.close();
  await rm(work, { recursive: true, force: true });
});

async function idle(): Promise<void> {
  await queueIdle(svc);
  const failed = (await svc.handlers['jobs:list']({ active: false, limit: 50 })).filter((j) => j.state === 'failed');
  assert.deepEqual(failed, [], 'no job failed');
}

/** A mask with a bar across the middle, as the editor sends it. */
async function maskPng(width = W, height = H): Promise<Uint8Array<ArrayBuffer>> {
  const m = Buffer.alloc(width * height);
  for (let y = Math.floor(height * 0.4); y < Math.floor(height * 0.5); y++)
    m.fill(255, y * width + Math.floor(width * 0.1), y * width + Math.floor(width * 0.9));
  return Uint8Array.from(
    await sharp(m, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer()
  );
}

const stagesOf = (jobId: number) => [
  ...new Set(events.filter((e) => e.jobId === jobId && e.state === 'running' && e.stage).map((e) => e.stage))
];
const versions = () => svc.handlers['versions:list'](photoId);
const newest = async (): Promise<VersionInfo> => (await versions()).at(-1)!;

test(
  'the caches are measured, and removing them frees that much and keeps outputs and masks',
  { timeout: 60_000 },
  async () => {
    await svc.handlers['restore:start']({ photoIds: [photoId], scratches: 'auto' });
    await idle();
    const v1 = await newest();
    const cache = resolve(lib, v1.latentPath!);
    assert.ok(existsSync(join(cache, 'latent.f16')) && existsSync(join(cache, 'mapped.f16')));
    const before = (await svc.handlers['library:stats']()).cacheBytes;
    const sizes = await Promise.all(
      ['latent.f16', 'mapped.f16', 'latent.json'].map(async (f) => (await stat(join(cache, f))).size)
    );
    assert.equal(
      before,
      sizes.reduce((a, b) => a + b)
    );

    assert.deepEqual(await svc.handlers['versions:removeCaches'](), { versions: 1, bytes: before });
    assert.equal((await svc.handlers['library:stats']()).cacheBytes, 0);
    for (const f of ['latent.f16', 'mapped.f16', 'latent.json']) assert.ok(!existsSync(join(cache, f)), `${f} is gone`);
    const after = await newest();
    assert.equal(after.latentPath, null);
    assert.ok(
      existsSync(resolve(lib, after.outputPath)) && existsSync(resolve(lib, after.maskPath!)),
      'output and mask stay'
    );
    assert.deepEqual(await svc.handlers['versions:removeCaches'](), { versions: 0, bytes: 0 });
  }
);

test(
  'a mask edit on a version without its cache runs from the original; its result is mapping-only again',
  { timeout: 60_000 },
  async () => {
    const v1 = await newest();
    await assert.rejects(
      svc.handlers['restore:rerunMapping']({ versionId: v1.id, maskPng: await maskPng(W / 2, H / 2) }),
      /80×60, the photo is 160×120/
    );
    const slow = await svc.handlers['restore:rerunMapping']({ versionId: v1.id, maskPng: await maskPng() });
    await idle();
    assert.deepEqual(
      stagesOf(slow.id),
      ['encode', 'map', 'decode'],
      'the whole chain, with the edited mask instead of detection'
    );
    const v2 = await newest();
    assert.deepEqual([v2.kind, v2.parentVersionId], ['rerun', v1.id]);
    const out = await sharp(resolve(lib, v2.outputPath)).metadata();
    assert.deepEqual([out.width, out.height], [W, H]);
    assert.ok(
      v2.latentPath && existsSync(join(resolve(lib, v2.latentPath), 'latent.f16')),
      'the new version has a cache of its own'
    );

    const fast = await svc.handlers['restore:rerunMapping']({ versionId: v2.id, maskPng: await maskPng() });
    await idle();
    assert.deepEqual(stagesOf(fast.id), ['map', 'decode']);
  }
);

test(
  'removal keeps the caches waiting re-runs need and frees the rest; a version without its cache is deleted whole',
  { timeout: 60_000 },
  async () => {
    // Versions 2 and 3 have caches and share one latent file (a re-run links its parent's).
    const [, v2, v3] = await versions();
    const cacheOf = (v: VersionInfo) => resolve(lib, v.latentPath!);
    const own =
      (await stat(join(cacheOf(v2!), 'mapped.f16'))).size + (await stat(join(cacheOf(v2!), 'latent.json'))).size;
    // A restore keeps the runner busy so the re-run of version 3 is still waiting when the caches go.
    await svc.handlers['restore:start']({ photoIds: [photoId], scratches: 'off' });
    const waiting = await svc.handlers['restore:rerunMapping']({ versionId: v3!.id, maskPng: await maskPng() });
    assert.deepEqual(
      await svc.handlers['versions:removeCaches'](),
      { versions: 1, bytes: own },
      "version 2's own files go; the latent it shares with version 3 stays"
    );
    assert.ok(
      existsSync(join(cacheOf(v3!), 'latent.f16')) && existsSync(join(cacheOf(v3!), 'mapped.f16')),
      "the waiting re-run's parent keeps its cache"
    );
    assert.ok(!existsSync(join(cacheOf(v2!), 'mapped.f16')));
    await idle();
    assert.deepEqual(stagesOf(waiting.id), ['map', 'decode'], 'the re-run was still mapping-only');
    const cached = (await versions()).filter((v) => v.latentPath);
    const naive = (
      await Promise.all(
        cached.flatMap((v) =>
          ['latent.f16', 'mapped.f16', 'latent.json'].map(
            async (f) => (await stat(join(resolve(lib, v.latentPath!), f))).size
          )
        )
      )
    ).reduce((a, b) => a + b);
    const reported = (await svc.handlers['library:stats']()).cacheBytes;
    assert.ok(reported < naive, `shared latents count once: ${reported} < ${naive}`);
    assert.deepEqual(await svc.handlers['versions:removeCaches'](), { versions: cached.length, bytes: reported });
    const [v1] = await versions();
    const folder = dirname(resolve(lib, v1!.outputPath));
    assert.ok(existsSync(folder));
    await svc.handlers['versions:delete'](v1!.id);
    assert.ok(!existsSync(folder), 'output, mask and thumbnail went with the folder');
  }
);
