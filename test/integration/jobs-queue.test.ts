/**
 * The persisted queue with a real runner process (child_process + tsx) and
 * the tiny ONNX models: restore → version row, re-run from the latent cache,
 * skip-and-report, cancel without leftovers, a runner killed mid-job and a
 * host restart with a job left running.
 */
import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { JobEvent } from '../../src/shared/types.ts';
import { getJob } from '../../src/main/library/queries/jobs-queue.ts';
import { getVersion, listVersions } from '../../src/main/library/queries/jobs-versions.ts';
import { nodeRunnerSpawner, type RunnerHandle } from '../../src/main/jobs/spawn.ts';
import { addPhoto, openTestLibrary, tinyQueue } from '../fixtures/jobs-library.ts';
import { colourPng, tempDir } from '../fixtures/pipeline-images.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('jobs');
});
after(() => tmp.cleanup());

/** A spawner that remembers its runners so a test can kill one. */
function trackingSpawner(): { spawn: () => RunnerHandle; runners: RunnerHandle[] } {
  const base = nodeRunnerSpawner();
  const runners: RunnerHandle[] = [];
  return { runners, spawn: () => runners[runners.push(base()) - 1]! };
}

/** A fresh library `name` holding a colour PNG per [file, width, height], with the photos' ids in that order. */
async function library<P extends [string, number, number][]>(name: string, ...photos: P) {
  const dir = join(tmp.dir, name);
  const db = await openTestLibrary(dir);
  const ids: number[] = [];
  for (const [file, w, h] of photos) {
    await colourPng(join(tmp.dir, file), w, h);
    ids.push(await addPhoto(db, dir, join(tmp.dir, file), w, h));
  }
  return { dir, db, ids: ids as { [K in keyof P]: number } };
}

/** Runs `body`, then closes the queue and the library whatever happened. */
async function closing(queue: { close(): void }, db: { close(): void }, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    queue.close();
    db.close();
  }
}

/** An all-white (all-defect) one-channel mask of w × h, to encode as a test needs. */
const whiteMask = (w: number, h: number) =>
  sharp(Buffer.alloc(w * h, 255), { raw: { width: w, height: h, channels: 1 } });

/** The id of the photo's current version. */
function currentVersion(db: Awaited<ReturnType<typeof openTestLibrary>>, photo: number): number {
  return (db.prepare('SELECT current_version_id AS c FROM photos WHERE id = ?').get(photo) as { c: number }).c;
}

test('a restore job creates a version, sets it current, and a re-run reuses its latent and becomes current', async () => {
  const { dir, db, ids } = await library('basic', ['a.png', 96, 64]);
  const [photo] = ids;
  const events: JobEvent[] = [];
  const queue = tinyQueue(db, dir, { emit: (e) => events.push(e) });
  await closing(queue, db, async () => {
    queue.start();
    const job = queue.enqueueRestore(photo, { scratches: 'on' });
    await queue.whenIdle();
    const done = getJob(db, job.id);
    assert.equal(done.state, 'done', done.error ?? '');
    const v = getVersion(db, done.versionId!);
    assert.equal(v.modelId, 'tiny-random-fixture');
    assert.match(v.modelSha256, /^[0-9a-f]{64}$/);
    assert.equal(currentVersion(db, photo), v.id);
    assert.deepEqual((await readdir(join(dir, v.latentPath!))).sort(), [
      'latent.f16',
      'latent.json',
      'mapped.f16',
      'mask.png',
      'restored.png'
    ]);
    assert.equal((await sharp(join(dir, v.outputPath)).metadata()).width, 96);
    assert.ok(events.some((e) => e.state === 'running' && e.stage === 'decode' && e.percent > 0));
    assert.equal(events.at(-1)!.state, 'done');
    assert.equal(queue.engineInfo.provider, 'cpu');

    // Masks that cannot be used are refused up front, with nothing queued or written.
    const jobsBefore = (db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
    const wrongSize = await whiteMask(48, 32).png().toBuffer();
    await assert.rejects(queue.enqueueRerun(v.id, wrongSize), {
      kind: 'invalid-input',
      message: 'the mask is 48×32, the photo is 96×64'
    });
    const jpeg = await whiteMask(96, 64).jpeg().toBuffer();
    await assert.rejects(queue.enqueueRerun(v.id, jpeg), {
      kind: 'invalid-input',
      message: 'the mask must be a PNG image, not jpeg'
    });
    await assert.rejects(queue.enqueueRerun(v.id, new Uint8Array([1, 2, 3])), {
      kind: 'invalid-input',
      message: 'the mask is not a readable image'
    });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n, jobsBefore);
    await assert.rejects(stat(join(dir, 'versions', String(photo), 'masks')), 'no mask file was written');

    const mask = await whiteMask(96, 64).png().toBuffer();
    const rerun = await queue.enqueueRerun(v.id, mask);
    await queue.whenIdle();
    const rr = getJob(db, rerun.id);
    assert.equal(rr.state, 'done', rr.error ?? '');
    const v2 = getVersion(db, rr.versionId!);
    assert.equal(v2.kind, 'rerun');
    assert.equal(v2.parentVersionId, v.id);
    assert.deepEqual(Object.keys(v2.stats.seconds as object).sort(), ['decode', 'map'], 'only map and decode ran');
    assert.equal(listVersions(db, photo).length, 2);
    assert.equal(currentVersion(db, photo), v2.id, 'the re-run the user asked for is current');

    // A second full restore does not take over from the version the user has.
    const again = queue.enqueueRestore(photo, { scratches: 'on' });
    await queue.whenIdle();
    assert.equal(getJob(db, again.id).state, 'done');
    assert.equal(currentVersion(db, photo), v2.id);
  });
});

test('a failing file is reported and the queue moves on; cancel leaves nothing behind', async () => {
  const { dir, db, ids } = await library('fail-cancel', ['b.png', 64, 48], ['big.png', 640, 480]);
  const [good, big] = ids;
  const events: JobEvent[] = [];
  const queue = tinyQueue(db, dir, { emit: (e) => events.push(e), cancelGraceMs: 2000 });
  await closing(queue, db, async () => {
    // Damage the stored original of the first photo after queueing it: the runner must fail it and go on.
    const first = queue.enqueueRestore(good, { scratches: 'off' });
    const sha = (db.prepare('SELECT sha256 FROM photos WHERE id = ?').get(good) as { sha256: string }).sha256;
    const shaDir = sha.slice(0, 2);
    const originals = (await readdir(join(dir, 'originals', shaDir))).filter((n) => n.startsWith(sha));
    await writeFile(join(dir, 'originals', shaDir, originals[0]!), 'not an image');
    const slow = queue.enqueueRestore(big, { scratches: 'off', tile: 64 });
    queue.start();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (events.some((e) => e.jobId === slow.id && e.state === 'running' && e.stage === 'encode')) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    assert.equal(queue.cancel(slow.id), true);
    await queue.whenIdle();
    const f = getJob(db, first.id);
    assert.equal(f.state, 'failed');
    assert.match(f.error!, /damaged|not an image format/);
    assert.equal(getJob(db, slow.id).state, 'cancelled');
    await assert.rejects(
      stat(join(dir, 'versions', String(big), `job-${slow.id}`)),
      'the cancelled job left no folder'
    );
    assert.equal(listVersions(db, big).length, 0);
  });
});

test('a runner killed mid-job is restarted and the job re-run to the end', async () => {
  const { dir, db, ids } = await library('kill', ['k.png', 512, 384]);
  const [photo] = ids;
  const tracker = trackingSpawner();
  let killed = false;
  const queue = tinyQueue(db, dir, {
    spawn: tracker.spawn,
    emit: (e) => {
      if (!killed && e.state === 'running' && e.stage === 'map') {
        killed = true;
        process.kill(tracker.runners[0]!.pid!, 'SIGKILL');
      }
    }
  });
  await closing(queue, db, async () => {
    queue.start();
    const job = queue.enqueueRestore(photo, { scratches: 'off', tile: 64 });
    await queue.whenIdle();
    const done = getJob(db, job.id);
    assert.ok(killed, 'the runner was killed mid-job');
    assert.equal(done.state, 'done', done.error ?? '');
    assert.equal(done.attempts, 2);
    assert.equal(queue.spawned, 2, 'a new runner was started');
    assert.ok(done.versionId);
  });
});

test('after a host crash, jobs left running are queued again and finish', async () => {
  const { dir, db, ids } = await library('restart', ['r.png', 80, 60]);
  const [photo] = ids;
  // A previous host claimed this job and died: the row says running.
  db.prepare(
    `INSERT INTO jobs (kind, photo_id, state, options, attempts, created_at, started_at) VALUES ('restore', ?, 'running', '{"scratches":"off"}', 1, ?, ?)`
  ).run(photo, new Date().toISOString(), new Date().toISOString());
  const queue = tinyQueue(db, dir);
  await closing(queue, db, async () => {
    assert.equal(queue.start(), 1);
    await queue.whenIdle();
    const job = getJob(db, 1);
    assert.equal(job.state, 'done', job.error ?? '');
    assert.equal(job.attempts, 2);
  });
});

test('removing a photo while its job runs leaves no version or folder, and the queue goes on', async () => {
  const { dir, db, ids } = await library('removed', ['gone.png', 320, 240], ['kept.png', 64, 48]);
  const [gone, kept] = ids;
  let removed = false;
  const queue = tinyQueue(db, dir, {
    emit: (e) => {
      if (!removed && e.photoId === gone && e.stage === 'decode') {
        removed = true;
        db.prepare('DELETE FROM jobs WHERE photo_id = ?').run(gone);
        db.prepare('DELETE FROM photos WHERE id = ?').run(gone);
      }
    }
  });
  await closing(queue, db, async () => {
    queue.start();
    queue.enqueueRestore(gone, { scratches: 'off', tile: 64 });
    const next = queue.enqueueRestore(kept, { scratches: 'off' });
    await queue.whenIdle();
    assert.ok(removed);
    assert.equal(listVersions(db, gone).length, 0);
    await assert.rejects(stat(join(dir, 'versions', String(gone), 'job-1')));
    assert.equal(getJob(db, next.id).state, 'done');
  });
});
