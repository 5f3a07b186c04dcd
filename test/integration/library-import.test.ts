/**
 * Import over a real library folder: every accepted format, EXIF facts,
 * orientation in thumbnails, duplicates, album import, and one clear
 * per-file error for each kind of bad input while the rest goes on.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { importPaths } from '../../src/main/import/import-files.ts';
import { createAlbum, listAlbums } from '../../src/main/library/queries/albums.ts';
import { getPhoto, listPhotos } from '../../src/main/library/queries/photos.ts';
import { libraryPaths } from '../../src/main/paths.ts';
import { makeBmp, makeFakeHeic, makePhoto, makePngBomb, makeTruncatedJpeg } from '../helpers/images.ts';
import { tempLibrarySuite } from '../fixtures/temp-library.ts';

const t = tempLibrarySuite('import');

const page = () => listPhotos(t.db, { offset: 0, limit: 1000, sort: 'imported' });

test('a folder of every accepted format imports once each, with facts and thumbnails', async () => {
  const src = join(t.work, 'in');
  await makePhoto(join(src, 'jpeg.jpg'), 320, 240, {
    seed: 1,
    exif: { takenAt: '1962:07:14 15:30:00', make: 'Kodak', model: 'Brownie' }
  });
  await makePhoto(join(src, 'nested/deeper/png8.png'), 200, 150, { format: 'png', seed: 2 });
  await makePhoto(join(src, 'nested/png16.png'), 200, 150, { format: 'png', seed: 3, deep: true });
  await makePhoto(join(src, 'nested/tiff16.tiff'), 210, 160, { format: 'tiff', seed: 4, deep: true });
  await makePhoto(join(src, 'tiff8.tif'), 210, 160, { format: 'tiff', seed: 5 });
  await makePhoto(join(src, 'webp.webp'), 180, 120, { format: 'webp', seed: 6 });
  await makePhoto(join(src, 'avif.avif'), 180, 120, { format: 'avif', seed: 7 });
  await makePhoto(join(src, 'gif.gif'), 100, 80, { format: 'gif', seed: 8 });
  // Portrait by EXIF: stored 320×200, shown 200×320.
  await makePhoto(join(src, 'rotated.jpg'), 320, 200, { seed: 9, exif: { orientation: 6 } });
  await writeFile(join(src, 'notes.txt'), 'a sidecar that is not a photo');
  await writeFile(join(src, '.hidden.jpg'), 'hidden files are skipped');

  const progress: number[] = [];
  const report = await importPaths(t.db, t.lib, [src], { onProgress: (done) => progress.push(done) });
  assert.equal(report.failed, 0, JSON.stringify(report.outcomes.filter((o) => o.status === 'failed')));
  assert.equal(report.imported, 9);
  assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  const photos = page().items;
  assert.equal(photos.length, 9);
  const byName = new Map(photos.map((p) => [p.fileName, p]));
  assert.deepEqual([...byName.keys()].sort(), [
    'avif.avif',
    'gif.gif',
    'jpeg.jpg',
    'png16.png',
    'png8.png',
    'rotated.jpg',
    'tiff16.tiff',
    'tiff8.tif',
    'webp.webp'
  ]);
  assert.equal(byName.get('png16.png')!.bitDepth, 16);
  assert.equal(byName.get('tiff16.tiff')!.bitDepth, 16);
  assert.equal(byName.get('png8.png')!.bitDepth, 8);
  assert.equal(byName.get('avif.avif')!.format, 'avif');
  assert.equal(byName.get('tiff8.tif')!.format, 'tiff');

  const jpeg = getPhoto(t.db, byName.get('jpeg.jpg')!.id);
  assert.equal(jpeg.takenAt, '1962-07-14T15:30:00');
  assert.equal(jpeg.camera, 'Kodak Brownie');
  assert.equal(jpeg.width, 320);

  const paths = libraryPaths(t.lib);
  for (const p of photos) {
    const detail = getPhoto(t.db, p.id);
    const original = paths.original(
      p.sha256,
      t.db.prepare('SELECT ext FROM photos WHERE id = ?').pluck().get(p.id) as string
    );
    assert.equal((await stat(original)).size, detail.bytes, `${p.fileName} stored byte for byte`);
    assert.ok(existsSync(paths.thumb(p.sha256)), `${p.fileName} has a thumbnail`);
  }
  const rotated = byName.get('rotated.jpg')!;
  const thumb = await sharp(paths.thumb(rotated.sha256)).metadata();
  assert.ok(thumb.height! > thumb.width!, 'thumbnail has the EXIF orientation applied');
  assert.equal(getPhoto(t.db, rotated.id).orientation, 6);

  // The stored original is the imported file, byte for byte.
  const orig = await readFile(join(src, 'jpeg.jpg'));
  const stored = await readFile(paths.original(byName.get('jpeg.jpg')!.sha256, '.jpg'));
  assert.ok(orig.equals(stored));
  assert.deepEqual(await readdir(paths.tmp), [], 'no temp files left');
});

test('the same content again (or twice in one batch) is a duplicate, and album import adds it', async () => {
  const src = join(t.work, 'dups');
  await makePhoto(join(src, 'one.jpg'), 120, 90, {
    seed: 1,
    exif: { takenAt: '1962:07:14 15:30:00', make: 'Kodak', model: 'Brownie' }
  });
  await makePhoto(join(src, 'fresh.jpg'), 120, 90, { seed: 42 });
  const freshBytes = await readFile(join(src, 'fresh.jpg'));
  await writeFile(join(src, 'fresh-copy.jpg'), freshBytes);
  await writeFile(join(src, 'fresh-copy-2.jpg'), freshBytes);
  const album = createAlbum(t.db, 'Summer 1962');
  const before = page().total;
  const report = await importPaths(t.db, t.lib, [src], { albumId: album.id });
  assert.equal(report.imported, 2, JSON.stringify(report.outcomes));
  assert.equal(report.duplicates, 2);
  assert.equal(page().total, before + 2);
  const dupIds = report.outcomes.filter((o) => o.status !== 'failed').map((o) => (o as { photoId: number }).photoId);
  assert.equal(new Set(dupIds).size, 2, 'copies point at the photo they duplicate');
  const inAlbum = listPhotos(t.db, { offset: 0, limit: 100, sort: 'album', albumId: album.id });
  assert.equal(inAlbum.total, 2);
  assert.equal(listAlbums(t.db).find((a) => a.id === album.id)!.photoCount, 2);
});

test('bad files each get one specific message; the good ones around them still import', async () => {
  const src = join(t.work, 'bad');
  await makePhoto(join(src, 'good-1.jpg'), 100, 80, { seed: 101 });
  await writeFile(join(src, 'empty.jpg'), '');
  await writeFile(join(src, 'letter.png'), 'Dear Margaret, this is not a picture.');
  await makeTruncatedJpeg(join(src, 'truncated.jpg'));
  await makePngBomb(join(src, 'bomb.png'), 30_000, 30_000);
  await makeFakeHeic(join(src, 'phone.heic'));
  await makeBmp(join(src, 'paint.bmp'));
  await makePhoto(join(src, 'good-2.png'), 100, 80, { format: 'png', seed: 102 });
  const before = page().total;
  const report = await importPaths(t.db, t.lib, [src, join(t.work, 'no-such-folder')]);
  const failed = new Map(
    report.outcomes
      .filter((o) => o.status === 'failed')
      .map((o) => [o.path.split('/').pop(), o as { kind: string; message: string }])
  );
  assert.equal(report.imported, 2);
  assert.equal(report.failed, 7);
  assert.equal(failed.get('empty.jpg')!.kind, 'corrupt-file');
  assert.match(failed.get('empty.jpg')!.message, /empty/);
  assert.equal(failed.get('letter.png')!.kind, 'unsupported-format');
  assert.match(failed.get('letter.png')!.message, /not an image/);
  assert.equal(failed.get('truncated.jpg')!.kind, 'corrupt-file');
  assert.match(failed.get('truncated.jpg')!.message, /damaged or incomplete|cannot decode/);
  assert.equal(failed.get('bomb.png')!.kind, 'too-large');
  assert.match(failed.get('bomb.png')!.message, /900 MP, over the 250 MP limit/);
  assert.equal(failed.get('phone.heic')!.kind, 'unsupported-format');
  assert.match(failed.get('phone.heic')!.message, /HEIC/);
  assert.match(failed.get('paint.bmp')!.message, /BMP files cannot be decoded/);
  assert.equal(failed.get('no-such-folder')!.kind, 'not-found');
  assert.equal(page().total, before + 2, 'no rows for bad files');
  assert.deepEqual(await readdir(libraryPaths(t.lib).tmp), [], 'no half-written files');
});

test('importing into an album that does not exist is refused before any work', async () => {
  await assert.rejects(importPaths(t.db, t.lib, [t.work], { albumId: 9999 }), /no album with id 9999/);
});
