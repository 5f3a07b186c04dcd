/**
 * The restore queue on a full disk, over a real library on a 60 MB tmpfs, the
 * tiny models and the real runner: a queue whose next job the disk cannot hold
 * pauses before claiming it, with the reason in words; a disk that fills while
 * a job runs fails that job (its folder removed) and pauses the rest; Resume
 * goes on once there is room. No job is ever left `running`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { test } from 'node:test';
import type { JobEvent, QueueState } from '../../src/shared/types.ts';
import { listJobs } from '../../src/main/library/queries/jobs-queue.ts';
import { nodeRunnerSpawner, type RunnerHandle } from '../../src/main/jobs/spawn.ts';
import { addPhoto, openTestLibrary, tinyQueue } from '../fixtures/jobs-library.ts';
import { makePhoto } from '../helpers/images.ts';
import { smallDiskSuite } from '../fixtures/small-disk.ts';

const FULL =
  /^the library's disk is full: \d+ MB free, this restore needs about \d+ MB; free some space, then resume the queue$/;

const suite = smallDiskSuite(60, 'disk-full-src');

async function setUp(name: string, count: number) {
  const dir = join(suite.disk!.dir, name);
  const db = await openTestLibrary(dir);
  const photos: number[] = [];
  for (let i = 0; i < count; i++) {
    const file = join(suite.src.dir, `${name}-${i}.png`);
    await makePhoto(file, 512, 384, { seed: i + 1, format: 'png' });
    photos.push(await addPhoto(db, dir, file, 512, 384));
  }
  return { dir, db, photos };
}

/** A test that skips where no small disk can be mounted, over a fresh library `name` of `count` photos there. */
function diskTest(
  title: string,
  name: string,
  count: number,
  body: (library: Awaited<ReturnType<typeof setUp>>) => Promise<void>
): void {
  test(title, { timeout: 60_000 }, async (t) => {
    if (suite.skip) return t.skip(suite.skip);
    await body(await setUp(name, count));
  });
}

const states = (db: Parameters<typeof listJobs>[0]) =>
  listJobs(db)
    .map((j) => j.state)
    .reverse();

diskTest(
  'a queue whose next restore the disk cannot hold pauses before claiming it, and resumes once there is room',
  'before',
  4,
  async ({ dir, db, photos }) => {
    const seen: QueueState[] = [];
    const runners: RunnerHandle[] = [];
    const spawn = nodeRunnerSpawner();
    const queue = tinyQueue(db, dir, {
      spawn: () => runners[runners.push(spawn()) - 1]!,
      onState: (s) => seen.push(s)
    });
    try {
      suite.disk!.fill(2_000_000);
      queue.start();
      for (const p of photos.slice(0, 3)) queue.enqueueRestore(p, { scratches: 'off' });
      await queue.whenIdle();
      assert.equal(queue.state.paused, true);
      assert.match(queue.state.reason!, FULL);
      assert.deepEqual(seen, [queue.state], 'the pause was announced once');
      assert.deepEqual(states(db), ['queued', 'queued', 'queued'], 'nothing was claimed onto the full disk');
      assert.equal(runners.length, 0);
      // A new restore while paused waits too; asking again for one already waiting answers that job (issue 31's dedup).
      const first = listJobs(db).at(-1)!;
      assert.equal(queue.enqueueRestore(photos[0]!, { scratches: 'off' }).id, first.id);
      queue.enqueueRestore(photos[3]!, { scratches: 'off' });
      await queue.whenIdle();
      assert.deepEqual(states(db), ['queued', 'queued', 'queued', 'queued']);

      suite.disk!.free();
      assert.deepEqual(queue.resume(), { paused: false, reason: null });
      await queue.whenIdle();
      assert.deepEqual(states(db), ['done', 'done', 'done', 'done']);
      assert.deepEqual(seen.at(-1), { paused: false, reason: null });

      // A mask edit sent while the disk is full is refused in the same words, and leaves no mask file.
      const version = listJobs(db).at(-1)!.versionId!;
      suite.disk!.fill(0);
      const mask = await sharp(Buffer.alloc(512 * 384, 255), { raw: { width: 512, height: 384, channels: 1 } })
        .png()
        .toBuffer();
      await assert.rejects(queue.enqueueRerun(version, mask), {
        kind: 'io',
        message:
          /^the library's disk is full: \d+ MB free, this re-run needs about \d+ MB; free some space, then edit the mask again$/
      });
      assert.deepEqual(
        readdirSync(join(dir, 'versions', String(photos[0]))).filter(
          (n) => n === 'masks' && readdirSync(join(dir, 'versions', String(photos[0]), n)).length > 0
        ),
        []
      );
    } finally {
      suite.disk!.free();
      queue.close();
      db.close();
    }
  }
);

diskTest(
  'a disk that fills while a restore runs fails that job with the reason, removes its folder and pauses the rest',
  'during',
  3,
  async ({ dir, db, photos }) => {
    let filled = false;
    const events: JobEvent[] = [];
    const queue = tinyQueue(db, dir, {
      emit: (e) => {
        events.push(e);
        if (!filled && e.state === 'running' && e.stage === 'encode') {
          filled = true;
          suite.disk!.fill(0);
        }
      }
    });
    try {
      queue.start();
      const jobs = photos.map((p) => queue.enqueueRestore(p, { scratches: 'off', tile: 64 }));
      await queue.whenIdle();
      assert.ok(filled, 'the disk was filled mid-restore');
      const [first, ...rest] = listJobs(db).reverse();
      assert.equal(first!.state, 'failed');
      assert.match(first!.error!, FULL);
      assert.deepEqual(
        rest.map((j) => j.state),
        ['queued', 'queued'],
        'the rest wait; none is running'
      );
      assert.equal(queue.state.reason, first!.error);
      assert.ok(
        !existsSync(join(dir, 'versions', String(photos[0]), `job-${jobs[0]!.id}`)),
        'the failed job left no folder'
      );
      assert.equal(events.filter((e) => e.jobId === jobs[0]!.id).at(-1)!.state, 'failed', 'the failure was announced');

      suite.disk!.free();
      queue.resume();
      await queue.whenIdle();
      assert.deepEqual(states(db), ['failed', 'done', 'done']);
      assert.equal(queue.state.paused, false);
    } finally {
      suite.disk!.free();
      queue.close();
      db.close();
    }
  }
);
