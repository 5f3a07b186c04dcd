/**
 * The restore handlers as the app and the browser bridge call them, on a real
 * library file with a real runner process and the tiny models.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { after, before, test } from 'node:test';
import { channels } from '../../src/shared/contract.ts';
import type { JobEvent } from '../../src/shared/types.ts';
import { createMediaReader } from '../../src/main/services/media.ts';
import { createRestoreHandlers } from '../../src/main/services/restore-handlers.ts';
import { addPhoto, openTestLibrary } from '../fixtures/jobs-library.ts';
import { TINY_MODELS, colourPng, tempDir } from '../fixtures/pipeline-images.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('jobs-handlers');
});
after(() => tmp.cleanup());

test('engine info, restore, list and delete versions through the handlers', async () => {
  const dir = join(tmp.dir, 'lib');
  const db = await openTestLibrary(dir);
  await colourPng(join(tmp.dir, 'p.png'), 64, 40);
  const photo = await addPhoto(db, dir, join(tmp.dir, 'p.png'), 64, 40);
  const events: JobEvent[] = [];
  const changes: string[] = [];
  const { handlers, queue, close } = createRestoreHandlers({
    db,
    libraryDir: dir,
    modelDirs: [TINY_MODELS],
    emit: (event, payload) => (event === 'jobs:event' ? events.push(payload as JobEvent) : changes.push(event))
  });
  try {
    const info = await handlers['engine:info']();
    assert.equal(info.provider, 'cpu');
    assert.match(info.reason!, /^CPU: /);
    assert.equal(info.modelId, 'tiny-random-fixture');

    const request = channels['restore:start'].args.parse([{ photoIds: [photo] }])[0];
    const [job] = await handlers['restore:start'](request);
    assert.equal(job!.state, 'queued');
    await queue.whenIdle();
    const [listed] = await handlers['jobs:list']({ active: false, limit: 10 });
    assert.equal(listed!.state, 'done');
    assert.ok(events.some((e) => e.jobId === job!.id && e.state === 'done' && e.percent === 100));
    const versions = await handlers['versions:list'](photo);
    assert.equal(versions.length, 1);
    assert.deepEqual((versions[0]!.options as { scratches: string }).scratches, 'auto');
    assert.equal(await handlers['jobs:cancel'](job!.id), false, 'a finished job cannot be cancelled');

    // The grid's thumbnail of the restored version: made on first view in the version's folder, then reused.
    const readMedia = createMediaReader(db, dir);
    const thumb = await readMedia('version-thumb', String(versions[0]!.id));
    assert.equal(thumb.mime, 'image/webp');
    assert.equal(thumb.path, `${join(dir, versions[0]!.outputPath)}.thumb.webp`);
    assert.deepEqual(
      await sharp(thumb.path)
        .metadata()
        .then((m) => [m.format, m.width, m.height]),
      ['webp', 64, 40]
    );
    const made = (await stat(thumb.path)).mtimeMs;
    assert.equal((await readMedia('version-thumb', String(versions[0]!.id))).path, thumb.path);
    assert.equal((await stat(thumb.path)).mtimeMs, made, 'reused, not made again');
    await assert.rejects(
      Promise.resolve().then(() => readMedia('version-thumb', 'x1')),
      /media key must be a version id/
    );

    await handlers['versions:delete'](versions[0]!.id);
    await assert.rejects(
      Promise.resolve().then(() => readMedia('version-thumb', String(versions[0]!.id))),
      /has no output/
    );
    assert.deepEqual(await handlers['versions:list'](photo), []);
    await assert.rejects(stat(join(dir, versions[0]!.latentPath!)), 'the version folder is gone');
    assert.ok(changes.includes('library:changed'));

    assert.throws(() => channels['restore:rerunMapping'].args.parse([{ versionId: 1, maskPng: 'not bytes' }]));
    const bad = await handlers['engine:setProvider']({ provider: 'cuda', threads: 1 });
    if (bad.provider === null) assert.match(bad.error!, /execution provider "cuda" is not usable here/);
  } finally {
    close();
    db.close();
  }
});
