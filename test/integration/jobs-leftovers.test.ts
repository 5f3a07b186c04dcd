/**
 * What crashes and cancels leave in `versions/`, and how often a job is tried,
 * over a real library, the tiny models and the real runner: attempts count
 * across host restarts; a cancelled queued re-run's mask goes; a shutdown just
 * after cancelling a running restore leaves no job folder; start-up removes
 * job folders and masks that no version and no waiting job uses.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { JobEvent } from '../../src/shared/types.ts';
import { getJob } from '../../src/main/library/queries/jobs-queue.ts';
import { createServices } from '../../src/main/services/index.ts';
import { addPhoto, openTestLibrary, tinyQueue } from '../fixtures/jobs-library.ts';
import { TINY_MODELS, tempDir } from '../fixtures/pipeline-images.ts';
import { queueIdle } from '../fixtures/queue-idle.ts';
import { makePhoto } from '../helpers/images.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('leftovers');
});
after(() => tmp.cleanup());

async function library(name: string, sizes: [number, number][]) {
  const dir = join(tmp.dir, name);
  const db = await openTestLibrary(dir);
  const photos: number[] = [];
  for (const [i, [w, h]] of sizes.entries()) {
    const file = join(tmp.dir, `${name}-${i}.png`);
    await makePhoto(file, w, h, { seed: i + 1, format: 'png' });
    photos.push(await addPhoto(db, dir, file, w, h));
  }
  return { dir, db, photos };
}

const waitFor = async (ok: () => boolean) => {
  for (let i = 0; !ok(); i++) {
    assert.ok(i < 600, 'waited too long');
    await new Promise((r) => setTimeout(r, 20));
  }
};

test(
  'attempts count across host restarts: a job whose host died three times fails in words, one with attempts left runs',
  { timeout: 60_000 },
  async () => {
    const { dir, db, photos } = await library('attempts', [[80, 60]]);
    const left = (attempts: number) =>
      Number(
        db
          .prepare(
            `INSERT INTO jobs (kind, photo_id, state, options, attempts, created_at, started_at) VALUES ('restore', ?, 'running', '{"scratches":"off"}', ?, ?, ?)`
          )
          .run(photos[0], attempts, new Date().toISOString(), new Date().toISOString()).lastInsertRowid
      );
    const spent = left(3);
    const another = left(2);
    // The spent job's folder, as its last host left it.
    const spentDir = join(dir, 'versions', String(photos[0]), `job-${spent}`);
    await mkdir(spentDir, { recursive: true });
    await writeFile(join(spentDir, 'latent.f16'), Buffer.alloc(4096));
    const queue = tinyQueue(db, dir);
    try {
      assert.equal(queue.start(), 1, 'only the job with attempts left is queued again');
      await queue.whenIdle();
      const failed = getJob(db, spent);
      assert.equal(failed.state, 'failed');
      assert.equal(
        failed.error,
        "the restore stopped unexpectedly three times; the photo may be too large for this computer's memory"
      );
      assert.ok(!existsSync(spentDir), "the given-up job's folder is removed");
      const done = getJob(db, another);
      assert.equal(done.state, 'done', done.error ?? '');
      assert.equal(done.attempts, 3);
    } finally {
      queue.close();
      db.close();
    }
  }
);

test(
  'a cancelled queued re-run leaves no mask, and a shutdown just after cancelling a running restore leaves no job folder',
  { timeout: 60_000 },
  async () => {
    const { dir, db, photos } = await library('cancel', [
      [96, 64],
      [640, 480]
    ]);
    const [small, big] = photos as [number, number];
    const events: JobEvent[] = [];
    const queue = tinyQueue(db, dir, { emit: (e) => events.push(e), cancelGraceMs: 5000 });
    let closed = false;
    try {
      queue.start();
      const first = queue.enqueueRestore(small, { scratches: 'off' });
      await queue.whenIdle();
      const version = getJob(db, first.id).versionId!;
      const slow = queue.enqueueRestore(big, { scratches: 'off', tile: 64 });
      const mask = await sharp(Buffer.alloc(96 * 64, 255), { raw: { width: 96, height: 64, channels: 1 } })
        .png()
        .toBuffer();
      const rerun = await queue.enqueueRerun(version, mask);
      const masks = join(dir, 'versions', String(small), 'masks');
      assert.equal((await readdir(masks)).length, 1, 'the waiting re-run has its mask');
      assert.equal(queue.cancel(rerun.id), true);
      await waitFor(() => readdirSync(masks).length === 0);
      await waitFor(() => events.some((e) => e.jobId === slow.id && e.stage === 'map'));
      const folder = join(dir, 'versions', String(big), `job-${slow.id}`);
      assert.ok(existsSync(join(folder, 'latent.f16')), 'the running restore has written its latent');
      // The user cancels, then quits before the runner has stopped.
      queue.cancel(slow.id);
      queue.close();
      closed = true;
      assert.ok(!existsSync(folder), 'the cancelled job left no folder');
      assert.deepEqual(await readdir(join(dir, 'versions', String(big))), []);
    } finally {
      if (!closed) queue.close();
      db.close();
    }
  }
);

test(
  'start-up removes job folders and masks no version or waiting job uses, and keeps the rest',
  { timeout: 60_000 },
  async () => {
    const lib = join(tmp.dir, 'sweep');
    const photo = await makePhoto(join(tmp.dir, 'sweep.png'), 96, 64, { seed: 9, format: 'png' });
    let svc = await createServices({ libraryDir: lib, emit: () => {}, modelDirs: [TINY_MODELS] });
    await svc.handlers['import:paths']({ paths: [photo] });
    const id = (await svc.handlers['library:list']({ offset: 0, limit: 1, sort: 'imported' })).items[0]!.id;
    const [job] = await svc.handlers['restore:start']({ photoIds: [id], scratches: 'off' });
    await queueIdle(svc);
    const [kept] = await svc.handlers['versions:list'](id);
    assert.ok(kept);
    // What a cancel followed by a kill leaves: the cancelled job's folder with its latent cache, and a re-run's mask.
    const cancelled = Number(
      svc.db
        .prepare(
          `INSERT INTO jobs (kind, photo_id, state, options, attempts, created_at) VALUES ('restore', ?, 'cancelled', '{}', 1, ?)`
        )
        .run(id, new Date().toISOString()).lastInsertRowid
    );
    await svc.close();
    const versions = join(lib, 'versions');
    const leftovers = [join(versions, String(id), `job-${cancelled}`), join(versions, '777', 'job-12')];
    for (const d of leftovers) {
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'latent.f16'), Buffer.alloc(4096));
    }
    const strayMask = join(versions, String(id), 'masks', `${randomUUID()}.png`);
    await mkdir(join(versions, String(id), 'masks'), { recursive: true });
    await writeFile(strayMask, 'mask');
    const notOurs = join(versions, 'README.txt');
    await writeFile(notOurs, 'a note someone left');

    svc = await createServices({ libraryDir: lib, emit: () => {}, modelDirs: [TINY_MODELS] });
    try {
      for (const d of leftovers) assert.ok(!existsSync(d), `${d} was removed`);
      assert.ok(!existsSync(strayMask), 'the stray mask was removed');
      assert.ok(!existsSync(join(versions, '777')), "a removed photo's empty folder went too");
      assert.ok(
        existsSync(resolve(lib, kept.outputPath)) && existsSync(join(resolve(lib, kept.latentPath!), 'latent.f16')),
        "the version's folder stays"
      );
      assert.ok(existsSync(join(versions, String(id), `job-${job!.id}`)));
      assert.ok(existsSync(notOurs), 'files that are not ours stay');
    } finally {
      await svc.close();
    }
  }
);
