/**
 * The services as every transport sees them: contract validation with clear
 * messages, handlers that announce their changes, and media lookups
 * (thumbnails rebuilt when missing, a PNG rendition for TIFF originals).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createServices, validateArgs, type Services } from '../../src/main/services/index.ts';
import { TINY_MODELS } from '../fixtures/pipeline-images.ts';
import { makePhoto } from '../helpers/images.ts';

let work: string;
let svc: Services;
const events: { event: string; payload: unknown }[] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-services-'));
  svc = await createServices({
    libraryDir: join(work, 'lib'),
    emit: (event, payload) => events.push({ event, payload }),
    modelDirs: [join(work, 'no-models')]
  });
});
after(async () => {
  await svc.close();
  await rm(work, { recursive: true, force: true });
});

test('payloads are validated against the contract with a message naming the argument', () => {
  assert.throws(
    () => validateArgs('library:get', ['7']),
    (e: Error & { kind?: string }) => e.kind === 'invalid-input' && /library:get: argument 0/.test(e.message)
  );
  assert.throws(() => validateArgs('albums:create', ['   ']), /albums:create: argument 0/);
  assert.throws(() => validateArgs('tags:set', [1, ['ok', 'bad\u0001tag']]), /control characters/);
  assert.throws(() => validateArgs('nope:nothing' as never, []), /unknown channel "nope:nothing"/);
  assert.throws(() => validateArgs('import:paths', [{ paths: [] }]), /import:paths/);
  assert.deepEqual(validateArgs('library:list', [{}]), [{ offset: 0, limit: 200, sort: 'imported' }]);
});

test('import through the handlers reports progress and library changes; media resolve to files', async () => {
  const src = join(work, 'in');
  await makePhoto(join(src, 'scan.tiff'), 300, 200, { format: 'tiff', deep: true, seed: 3 });
  await makePhoto(join(src, 'print.jpg'), 300, 200, { seed: 4 });
  const album = await svc.handlers['albums:create']('Box 1');
  const report = await svc.handlers['import:paths']({ paths: [src], albumId: album.id });
  assert.equal(report.imported, 2);
  const progress = events
    .filter((e) => e.event === 'import:progress')
    .map((e) => e.payload as { done: number; total: number });
  assert.deepEqual(progress.at(-1), { ...(progress.at(-1) as object), done: 2, total: 2 });
  assert.ok(events.some((e) => e.event === 'library:changed' && (e.payload as { scope: string }).scope === 'photos'));
  assert.equal((await svc.handlers['albums:list']())[0]!.photoCount, 2);

  const page = await svc.handlers['library:list'](
    validateArgs('library:list', [{ albumId: album.id, sort: 'album' }])[0]
  );
  const tiff = page.items.find((p) => p.fileName === 'scan.tiff')!;
  const jpeg = page.items.find((p) => p.fileName === 'print.jpg')!;

  const shown = await svc.readMedia('original', tiff.sha256);
  assert.equal(shown.mime, 'image/png', 'TIFF originals are shown through a PNG rendition');
  const meta = await sharp(shown.path).metadata();
  assert.deepEqual([meta.width, meta.height, meta.format], [300, 200, 'png']);
  assert.equal((await svc.readMedia('original', jpeg.sha256)).mime, 'image/jpeg');

  const thumb = await svc.readMedia('thumb', jpeg.sha256);
  await rm(thumb.path);
  const again = await svc.readMedia('thumb', jpeg.sha256);
  assert.ok(existsSync(again.path), 'a missing thumbnail is made again');

  await assert.rejects(
    Promise.resolve().then(() => svc.readMedia('thumb', '../../etc/passwd')),
    /sha256/
  );
  await assert.rejects(
    Promise.resolve().then(() => svc.readMedia('thumb', 'f'.repeat(64))),
    /no such photo/
  );
  await assert.rejects(
    Promise.resolve().then(() => svc.readMedia('version', '12')),
    /version 12 has no output/
  );
});

test('dialog import without a native dialog says where to import instead', async () => {
  await assert.rejects(svc.handlers['import:pickAndImport']({ kind: 'files' }), /only available in the desktop app/);
  await assert.rejects(svc.handlers['library:chooseLocation'](), /chosen when the server starts/);
  const stats = await svc.handlers['library:stats']();
  assert.equal(stats.location, join(work, 'lib'));
  assert.equal(stats.canChangeLocation, false);
});

test('removing a photo from the library deletes its library files and announces it', async () => {
  const page = await svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'imported' });
  const victim = page.items[0]!;
  const thumb = await svc.readMedia('thumb', victim.sha256);
  events.length = 0;
  await svc.handlers['photos:remove']([victim.id]);
  assert.ok(!existsSync(thumb.path));
  assert.ok(events.some((e) => e.event === 'library:changed'));
  assert.equal((await svc.handlers['library:stats']()).photos, page.total - 1);
});

test('the execution provider and threads chosen in Settings survive a restart', async () => {
  const dir = join(work, 'engine-lib');
  const first = await createServices({ libraryDir: dir, emit: () => undefined, modelDirs: [join(work, 'no-models')] });
  try {
    const info = await first.handlers['engine:setProvider']({ provider: 'cpu', threads: 1 });
    assert.equal(info.requested, 'cpu');
  } finally {
    await first.close();
  }
  const second = await createServices({ libraryDir: dir, emit: () => undefined, modelDirs: [join(work, 'no-models')] });
  try {
    const info = await second.handlers['engine:info']();
    assert.equal(info.requested, 'cpu');
    assert.equal(info.threads, 1);
  } finally {
    await second.close();
  }
});

test(
  'removing photos cancels their queued and running restores; nothing of them is left',
  { timeout: 60_000 },
  async () => {
    const dir = join(work, 'remove-lib');
    const jobEvents: { jobId: number; state: string }[] = [];
    const s = await createServices({
      libraryDir: dir,
      emit: (event, payload) =>
        void (event === 'jobs:event' && jobEvents.push(payload as { jobId: number; state: string })),
      modelDirs: [TINY_MODELS]
    });
    try {
      const src = join(work, 'remove-in');
      for (const [i, n] of ['a.png', 'b.png', 'c.png'].entries())
        await makePhoto(join(src, n), 160, 120, { seed: 20 + i, format: 'png' });
      await s.handlers['import:paths']({ paths: [src] });
      const photos = (await s.handlers['library:list']({ offset: 0, limit: 10, sort: 'name' })).items;
      const [a, b, c] = photos.map((p) => p.id);
      const jobs = await s.handlers['restore:start']({ photoIds: [a!, b!, c!], scratches: 'auto' });
      assert.equal(jobs.length, 3);
      await s.handlers['photos:remove']([a!, b!]);
      for (let t = 0; (await s.handlers['jobs:list']({ active: true, limit: 10 })).length > 0; t++) {
        assert.ok(t < 400, 'the queue went idle');
        await new Promise((r) => setTimeout(r, 100));
      }
      // Cancelled, not left to run to the end for a version nobody keeps (the queue would be blocked meanwhile).
      for (const job of jobs.slice(0, 2))
        assert.ok(
          jobEvents.some((e) => e.jobId === job.id && e.state === 'cancelled'),
          `job ${job.id} was cancelled`
        );
      const left = await s.handlers['jobs:list']({ active: false, limit: 10 });
      assert.deepEqual(
        left.map((j) => [j.photoId, j.state]),
        [[c, 'done']],
        'only the kept photo was restored'
      );
      assert.equal((await s.handlers['versions:list'](c!)).length, 1);
      assert.deepEqual((await readdir(join(dir, 'versions'))).sort(), [String(c)]);
    } finally {
      await s.close();
    }
  }
);
