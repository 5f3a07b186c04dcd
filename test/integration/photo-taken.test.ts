/**
 * Setting when a photo was taken, over a real library: a scan's EXIF date (the
 * day it was scanned) replaced by the real one, a year alone, a cleared date;
 * the library's "date taken" order; clear errors; and exports that carry the
 * library's date (EXIF when known to the day, XMP always), restored or not.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { exportAlbum } from '../../src/main/export/export-album.ts';
import { createServices, validateArgs, type Services } from '../../src/main/services/index.ts';
import { makePhoto } from '../helpers/images.ts';

let work: string;
let svc: Services;
const ids: Record<string, number> = {};

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-taken-'));
  svc = await createServices({ libraryDir: join(work, 'lib'), emit: () => {}, modelDirs: [join(work, 'no-models')] });
  await makePhoto(join(work, 'in', 'wedding.jpg'), 120, 80, { seed: 1, exif: { takenAt: '2019:03:02 10:11:12' } });
  await makePhoto(join(work, 'in', 'picnic.jpg'), 120, 80, { seed: 2 });
  await makePhoto(join(work, 'in', 'unknown.jpg'), 120, 80, { seed: 3 });
  await svc.handlers['import:paths']({ paths: [join(work, 'in')] });
  for (const p of (await svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'imported' })).items)
    ids[p.fileName] = p.id;
});
after(async () => {
  await svc.close();
  await rm(work, { recursive: true, force: true });
});

const order = async () =>
  (await svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'taken' })).items.map((p) => [
    p.fileName,
    p.takenAt
  ]);

test('a date is set to the day or the year, replaces the scan date, clears, and orders the library', async () => {
  assert.equal(
    (await svc.handlers['library:get'](ids['wedding.jpg']!)).takenAt,
    '2019-03-02T10:11:12',
    'the scanner wrote the day of the scan'
  );
  const [, patch] = validateArgs('photos:update', [ids['wedding.jpg'], { takenAt: '1958-6-21' }]);
  assert.equal(patch.takenAt, '1958-06-21', 'typed loosely, stored canonical');
  assert.equal((await svc.handlers['photos:update'](ids['wedding.jpg']!, patch)).takenAt, '1958-06-21');
  await svc.handlers['photos:update'](ids['picnic.jpg']!, { takenAt: '1962' });
  assert.deepEqual(await order(), [
    ['wedding.jpg', '1958-06-21'],
    ['picnic.jpg', '1962'],
    ['unknown.jpg', null]
  ]);
  await svc.handlers['photos:update'](ids['unknown.jpg']!, { takenAt: '1958' });
  assert.deepEqual(
    (await order()).map(([n]) => n),
    ['unknown.jpg', 'wedding.jpg', 'picnic.jpg'],
    'a year sorts before the days in it'
  );
  assert.equal((await svc.handlers['photos:update'](ids['unknown.jpg']!, { takenAt: null })).takenAt, null);
});

test('what is no date is refused with what would be one, and changes nothing', async () => {
  assert.throws(
    () => validateArgs('photos:update', [ids['picnic.jpg'], { takenAt: '14.7.1962' }]),
    /argument 1\.takenAt: the date taken must be a year \(1962\), a month \(1962-07\), a day \(1962-07-14\) or a time/
  );
  await assert.rejects(
    svc.handlers['photos:update'](ids['picnic.jpg']!, { takenAt: '1962-02-30' }),
    /"1962-02-30" is not a date: give a year/
  );
  assert.equal((await svc.handlers['library:get'](ids['picnic.jpg']!)).takenAt, '1962');
});

test("exports carry the library's date: EXIF to the day, XMP for a year alone, restored versions too", async () => {
  // A restored version of the wedding photo, as the engine leaves one (no EXIF of its own).
  const dir = join(work, 'lib', 'versions', String(ids['wedding.jpg']), 'job-1');
  await mkdir(dir, { recursive: true });
  await sharp({ create: { width: 120, height: 80, channels: 3, background: '#806040' } })
    .png()
    .toFile(join(dir, 'restored.png'));
  const v = svc.db
    .prepare(
      "INSERT INTO versions (photo_id, kind, model_id, model_sha256, output_path, created_at) VALUES (?, 'restore', 'm', 'x', ?, 'now')"
    )
    .run(ids['wedding.jpg'], `versions/${ids['wedding.jpg']}/job-1/restored.png`).lastInsertRowid;
  await svc.handlers['photos:update'](ids['wedding.jpg']!, { currentVersionId: Number(v) });

  const out = join(work, 'out');
  await mkdir(out);
  const result = await exportAlbum(svc.db, join(work, 'lib'), {
    photoIds: [ids['wedding.jpg']!, ids['picnic.jpg']!],
    what: 'both',
    format: 'jpeg',
    destination: { kind: 'folder', path: join(out, 'dated') }
  });
  const manifest = JSON.parse(await readFile(join(result.path, 'manifest.json'), 'utf8'));
  const taken = async (file: string) => {
    const meta = await sharp(join(result.path, file)).metadata();
    return {
      exif: meta.exif ? (exifReader(meta.exif).Photo?.DateTimeOriginal as Date | undefined)?.toISOString() : undefined,
      xmp: meta.xmp?.toString() ?? ''
    };
  };
  const wedding = manifest.files.filter((f: { photoId: number }) => f.photoId === ids['wedding.jpg']);
  assert.deepEqual(wedding.map((f: { source: string }) => f.source).sort(), ['original', 'restored']);
  for (const f of wedding) {
    const t = await taken(f.file);
    assert.equal(t.exif, '1958-06-21T00:00:00.000Z', `${f.source}: the real day, not the scan's`);
    assert.match(t.xmp, /<photoshop:DateCreated>1958-06-21<\/photoshop:DateCreated>/);
    assert.equal(f.metadata.dateTaken, '1958:06:21 00:00:00');
  }
  const picnic = manifest.files.find((f: { photoId: number }) => f.photoId === ids['picnic.jpg']);
  const t = await taken(picnic.file);
  assert.equal(t.exif, undefined, 'EXIF cannot hold a year alone');
  assert.match(t.xmp, /<photoshop:DateCreated>1962<\/photoshop:DateCreated>/);
  assert.equal((await readdir(result.path)).length, 4);
});

test('a date cleared in the library leaves no date in exported files, though the original still has its own', async () => {
  await svc.handlers['photos:update'](ids['wedding.jpg']!, { takenAt: null });
  const out = join(work, 'out-cleared');
  await mkdir(out);
  const result = await exportAlbum(svc.db, join(work, 'lib'), {
    photoIds: [ids['wedding.jpg']!],
    what: 'both',
    format: 'jpeg',
    destination: { kind: 'folder', path: join(out, 'undated') }
  });
  const manifest = JSON.parse(await readFile(join(result.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.files.length, 2);
  for (const f of manifest.files) {
    const meta = await sharp(join(result.path, f.file)).metadata();
    const exif = meta.exif ? exifReader(meta.exif) : undefined;
    assert.equal(exif?.Photo?.DateTimeOriginal, undefined, `${f.source}: no date taken`);
    assert.equal(exif?.Photo?.DateTimeDigitized, undefined, `${f.source}: no date digitized either`);
    assert.doesNotMatch(meta.xmp?.toString() ?? '', /DateCreated|DateTimeOriginal/);
    assert.equal(f.metadata.dateTaken, null);
  }
  const original = (
    await sharp(
      (await svc.readMedia('original', (await svc.handlers['library:get'](ids['wedding.jpg']!)).sha256)).path
    ).metadata()
  ).exif!;
  assert.ok(
    exifReader(original).Photo?.DateTimeOriginal instanceof Date,
    "the library's copy of the original is untouched"
  );
});
