import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { StudioError } from '../../src/shared/errors.ts';
import type { ExportProgress } from '../../src/shared/types.ts';
import { exportItems, type ExportOptions } from '../../src/main/export/export-items.ts';
import type { ExportItem } from '../../src/main/export/types.ts';
import { makeItems, run, sha256, TAKEN, tempDir } from './export-fixtures.ts';

let root: { dir: string; cleanup: () => Promise<void> };
let items: ExportItem[];
const album = { id: 1, name: 'Summer 1962' };

before(async () => {
  root = await tempDir('export-items');
  await mkdir(join(root.dir, 'src'));
  items = await makeItems(join(root.dir, 'src'));
});
after(() => root.cleanup());

const opts = (path: string, over: Partial<ExportOptions> = {}): ExportOptions => ({
  exportId: 't1',
  what: 'both',
  format: 'jpeg',
  quality: 90,
  destination: { kind: 'folder', path },
  manifest: 'json',
  ...over
});

async function outDir(name: string): Promise<string> {
  const dir = join(root.dir, name);
  await mkdir(dir);
  return dir;
}

/** Nothing but `expected` in `dir`: no `.partial` temp left over. */
async function assertOnly(dir: string, expected: string[]): Promise<void> {
  assert.deepEqual((await readdir(dir)).sort(), [...expected].sort());
}

test('folder export of originals and restored versions as JPEG keeps metadata, upright pixels and ICC', async () => {
  const parent = await outDir('folder-jpeg');
  const events: ExportProgress[] = [];
  const result = await exportItems(items, album, opts(join(parent, 'Summer')), (p) => events.push(p));
  assert.equal(result.path, join(parent, 'Summer'));
  assert.equal(result.files, 4);
  assert.equal(result.unrestored, 2);
  await assertOnly(parent, ['Summer']);
  const files = (await readdir(result.path)).sort();
  assert.deepEqual(files, [
    '001 - Oma am Strand, Sommer 1962 — Müritz (restored).jpg',
    '001 - Oma am Strand, Sommer 1962 — Müritz.jpg',
    '002 - etc passwd.jpg',
    '003 - scan 3.jpg',
    'manifest.json'
  ]);

  for (const name of [
    '001 - Oma am Strand, Sommer 1962 — Müritz.jpg',
    '001 - Oma am Strand, Sommer 1962 — Müritz (restored).jpg'
  ]) {
    const meta = await sharp(join(result.path, name)).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.deepEqual([meta.width, meta.height], [32, 64], `${name} is upright`);
    assert.ok((meta.orientation ?? 1) === 1, `${name} orientation tag is 1`);
    const exif = exifReader(meta.exif!);
    assert.equal((exif.Photo?.DateTimeOriginal as Date).toISOString(), '1962-07-14T15:30:00.000Z');
    assert.deepEqual(exif.GPSInfo?.GPSLatitude, [51, 30, 12.34]);
    assert.equal(exif.GPSInfo?.GPSLongitudeRef, 'W');
    assert.equal(exif.Image?.Make, 'Kodak');
    assert.equal(exif.Image?.ImageDescription, 'Oma am Strand, Sommer 1962 - Muritz');
    assert.ok(meta.xmp?.toString('utf8').includes('Oma am Strand, Sommer 1962 — Müritz'), 'Unicode caption in XMP');
    assert.ok((meta.icc?.length ?? 0) > 0, `${name} has an ICC profile`);
  }
  // Upright original: red on top.
  const { data } = await sharp(join(result.path, files[1])).raw().toBuffer({ resolveWithObject: true });
  assert.ok(data[0] > 150 && data[2] < 100, `top-left is red, got ${data.subarray(0, 3).join(',')}`);

  const manifest = JSON.parse(await readFile(join(result.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.files.length, 4);
  const [orig, restored, hostile] = manifest.files;
  assert.equal(orig.source, 'original');
  assert.equal(orig.sha256, items[0].sha256);
  assert.equal(orig.metadata.icc, 'original');
  assert.equal(orig.metadata.dateTaken, TAKEN);
  assert.equal(orig.metadata.gps, true);
  assert.equal(orig.metadata.orientation, 'pixels-rotated');
  assert.equal(restored.source, 'restored');
  assert.equal(restored.versionId, 5);
  assert.equal(restored.modelId, 'bopb-test');
  assert.deepEqual(restored.versionOptions, { scratches: 'auto' });
  assert.equal(restored.metadata.icc, 'srgb');
  assert.equal(restored.quality, 90);
  assert.equal(hostile.originalName, 'CON.png');
  assert.equal(hostile.note, 'not restored yet');
  assert.equal(events.at(-1)?.stage, 'done');
  assert.deepEqual(
    events.filter((e) => e.stage === 'writing').map((e) => e.done),
    [0, 1, 2, 3]
  );
  assert.ok(events.every((e) => e.total === 4 && e.exportId === 't1'));
});

test('16-bit TIFF export is 16 bits per channel and keeps EXIF', async () => {
  const parent = await outDir('tiff');
  const result = await exportItems(items, album, opts(join(parent, 'out'), { format: 'tiff16', what: 'originals' }));
  const tif = (await readdir(result.path)).filter((f) => f.endsWith('.tif')).sort();
  assert.equal(tif.length, 3);
  for (const name of tif) {
    const meta = await sharp(join(result.path, name)).metadata();
    assert.equal(meta.format, 'tiff');
    assert.equal(meta.depth, 'ushort', `${name} is 16-bit`);
  }
  // libvips writes no EXIF block into TIFFs: date, GPS, camera and caption travel as XMP.
  const xmp = (await sharp(join(result.path, tif[0])).metadata()).xmp?.toString('utf8') ?? '';
  assert.match(xmp, /<exif:DateTimeOriginal>1962-07-14T15:30:00</);
  assert.match(xmp, /<exif:GPSLatitude>51,30.205667N</);
  assert.match(xmp, /<tiff:Make>Kodak</);
  assert.match(xmp, /Oma am Strand, Sommer 1962 — Müritz/);
  const manifest = JSON.parse(await readFile(join(result.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.files[0].metadata.dateTaken, TAKEN);
  assert.equal(manifest.files[0].metadata.gps, true);
  assert.ok((await sharp(join(result.path, tif[0])).metadata()).icc, 'ICC kept in TIFF');
  assert.ok(manifest.files.every((f: { bitDepth: number }) => f.bitDepth === 16));
  assert.equal(manifest.quality, null);
});

test('format "original" copies bytes untouched and keeps the orientation tag; "restored" falls back to originals', async () => {
  const parent = await outDir('original');
  const result = await exportItems(
    items,
    album,
    opts(join(parent, 'out'), { format: 'original', what: 'restored', manifest: 'csv' })
  );
  const files = (await readdir(result.path)).sort();
  assert.deepEqual(files, [
    '001 - Oma am Strand, Sommer 1962 — Müritz (restored).png',
    '002 - etc passwd.png',
    '003 - scan 3.jpg',
    'manifest.csv'
  ]);
  assert.equal(await sha256(join(result.path, files[1])), items[1].sha256);
  assert.equal(await sha256(join(result.path, files[2])), items[2].sha256);
  assert.equal((await sharp(join(result.path, files[2])).metadata()).orientation, 6);
  const csv = (await readFile(join(result.path, 'manifest.csv'), 'utf8')).trimEnd().split('\r\n');
  assert.equal(csv.length, 4);
  assert.ok(csv[2].includes('not restored yet: original exported'));
  assert.ok(csv[3].includes(',tag-kept,'));
  assert.equal(result.unrestored, 2);
});

test('zip export streams every file and the manifest into a .zip', async () => {
  const parent = await outDir('zip');
  const result = await exportItems(
    items,
    album,
    opts(join(parent, 'album'), { destination: { kind: 'zip', path: join(parent, 'album') }, format: 'png' })
  );
  assert.equal(result.path, join(parent, 'album.zip'));
  await assertOnly(parent, ['album.zip']);
  const { stdout } = await run('unzip', ['-Z1', result.path]);
  const names = stdout.trim().split('\n').sort();
  assert.equal(names.length, 5);
  assert.ok(names.includes('manifest.json'));
  assert.ok(names.includes('001 - Oma am Strand, Sommer 1962 — Müritz (restored).png'));
  const png = await run('unzip', ['-p', result.path, '001 - Oma am Strand, Sommer 1962 — Müritz.png'], {
    encoding: 'buffer',
    maxBuffer: 1 << 24
  });
  const meta = await sharp(png.stdout as unknown as Buffer).metadata();
  assert.equal(meta.format, 'png');
  assert.deepEqual([meta.width, meta.height], [32, 64]);
  assert.equal((exifReader(meta.exif!).Photo?.DateTimeOriginal as Date).toISOString(), '1962-07-14T15:30:00.000Z');
  const manifest = JSON.parse((await run('unzip', ['-p', result.path, 'manifest.json'])).stdout);
  assert.equal(manifest.files.length, 4);
  await run('unzip', ['-tq', result.path]);
});

test('never overwrites: an existing folder or zip gets "name (2)", an empty folder is used', async () => {
  const parent = await outDir('no-overwrite');
  await mkdir(join(parent, 'out'));
  await writeFile(join(parent, 'out', 'mine.txt'), 'keep me');
  await writeFile(join(parent, 'album.zip'), 'not a zip, but mine');
  await mkdir(join(parent, 'empty'));
  const a = await exportItems(items, album, opts(join(parent, 'out'), { what: 'originals' }));
  assert.equal(a.path, join(parent, 'out (2)'));
  assert.equal(await readFile(join(parent, 'out', 'mine.txt'), 'utf8'), 'keep me');
  const b = await exportItems(
    items,
    album,
    opts('', { destination: { kind: 'zip', path: join(parent, 'album.zip') } })
  );
  assert.equal(b.path, join(parent, 'album (2).zip'));
  assert.equal(await readFile(join(parent, 'album.zip'), 'utf8'), 'not a zip, but mine');
  const c = await exportItems(items, album, opts(join(parent, 'empty'), { what: 'originals' }));
  assert.equal(c.path, join(parent, 'empty'));
  assert.equal((await readdir(c.path)).length, 4);
  await assertOnly(parent, ['album (2).zip', 'album.zip', 'empty', 'out', 'out (2)']);
});

test('cancel mid-export leaves nothing behind (folder and zip)', async () => {
  for (const kind of ['folder', 'zip'] as const) {
    const parent = await outDir(`cancel-${kind}`);
    const controller = new AbortController();
    const onProgress = (p: ExportProgress) => {
      if (p.done === 2) controller.abort();
    };
    const request = opts(join(parent, 'out'), { destination: { kind, path: join(parent, 'out') } });
    await assert.rejects(exportItems(items, album, request, onProgress, controller.signal), (err: unknown) => {
      assert.ok(err instanceof StudioError);
      assert.equal(err.kind, 'cancelled');
      return true;
    });
    await assertOnly(parent, []);
  }
});

test('a missing original fails clearly before writing anything', async () => {
  const parent = await outDir('missing');
  const gone = { ...items[2], originalPath: join(root.dir, 'src', 'deleted.jpg') };
  await assert.rejects(exportItems([items[0], gone], album, opts(join(parent, 'out'))), (err: unknown) => {
    assert.ok(err instanceof StudioError);
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /photo 13 \(scan 3\.JPG\): the original file is missing/);
    return true;
  });
  await assertOnly(parent, []);
});

test('a source that breaks mid-export (corrupt file) removes the partial export', async () => {
  const parent = await outDir('corrupt');
  const bad = join(root.dir, 'src', 'corrupt.jpg');
  const good = await readFile(items[2].originalPath);
  await writeFile(bad, good.subarray(0, 200));
  const broken = { ...items[2], photoId: 99, originalPath: bad };
  for (const kind of ['folder', 'zip'] as const) {
    const request = opts(join(parent, 'out'), { what: 'originals', destination: { kind, path: join(parent, 'out') } });
    await assert.rejects(exportItems([items[0], items[1], broken], album, request), (err: unknown) => {
      assert.ok(err instanceof StudioError, String(err));
      assert.equal(err.kind, 'corrupt-file');
      assert.match(err.message, /photo 99 \(scan 3\.JPG\): .*corrupt\.jpg could not be read as an image/);
      return true;
    });
    await assertOnly(parent, []);
  }
  await rm(bad);
  assert.ok((await stat(items[0].originalPath)).size > 0, 'originals untouched');
});

test('an empty album is refused', async () => {
  await assert.rejects(exportItems([], album, opts(join(root.dir, 'never'))), /has no photos/);
});
