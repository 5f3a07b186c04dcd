/**
 * A scan's resolution survives restoring: the restored PNG (full restore and
 * mapping-only re-run) and the album export's restored JPEG, PNG and 16-bit
 * TIFF say the scan's dpi, not libvips' default 1 pixel/mm (25.4 dpi).
 * Real images, the tiny models on onnxruntime.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { exportItems } from '../../src/main/export/export-items.ts';
import { withPngDensity } from '../../src/main/pipeline/png-density.ts';
import { rerunMapping } from '../../src/main/pipeline/rerun.ts';
import { restoreFile } from '../../src/main/pipeline/restore.ts';
import { pattern } from '../fixtures/pipeline-images.ts';
import { tinySessionsSuite } from '../fixtures/tiny-sessions.ts';

const suite = tinySessionsSuite('density');

const density = async (path: string) => (await sharp(path).metadata()).density;

/** Writes a w × h pattern as a JPEG scan at `dpi`. */
const jpegScan = (path: string, w: number, h: number, dpi: number) =>
  sharp(pattern(w, h), { raw: { width: w, height: h, channels: 3 } })
    .withMetadata({ density: dpi })
    .jpeg()
    .toFile(path);

test('a 600-dpi JPEG scan restores to a 600-dpi PNG, and its re-run too', async () => {
  const scan = join(suite.tmp.dir, 'scan600.jpg');
  await jpegScan(scan, 90, 60, 600);
  assert.equal(await density(scan), 600);
  const cacheDir = join(suite.tmp.dir, 'cache');
  await restoreFile(suite.sessions, scan, { outPath: join(suite.tmp.dir, 'scan600.png'), scratches: 'off', cacheDir });
  assert.equal(await density(join(suite.tmp.dir, 'scan600.png')), 600);

  const mask = join(suite.tmp.dir, 'mask.png');
  await sharp(Buffer.alloc(90 * 60, 255), { raw: { width: 90, height: 60, channels: 1 } })
    .png()
    .toFile(mask);
  await rerunMapping(suite.sessions, cacheDir, mask, { outPath: join(suite.tmp.dir, 'scan600.rerun.png') });
  assert.equal(await density(join(suite.tmp.dir, 'scan600.rerun.png')), 600);
});

test('16-bit and grey scans keep their dpi, depth and channels', async () => {
  const deep = join(suite.tmp.dir, 'deep1200.tif');
  await sharp(pattern(70, 50, 65535), { raw: { width: 70, height: 50, channels: 3 } })
    .toColourspace('rgb16')
    .withMetadata({ density: 1200 })
    .tiff({ compression: 'deflate' })
    .toFile(deep);
  await restoreFile(suite.sessions, deep, { outPath: join(suite.tmp.dir, 'deep.png'), scratches: 'off' });
  const meta = await sharp(join(suite.tmp.dir, 'deep.png')).metadata();
  assert.deepEqual([meta.density, meta.depth], [1200, 'ushort']);

  const grey = join(suite.tmp.dir, 'grey300.png');
  await sharp(Buffer.alloc(64 * 40, 120), { raw: { width: 64, height: 40, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer()
    .then((b) => sharp(withPngDensity(b, 300)).toFile(grey));
  await restoreFile(suite.sessions, grey, { outPath: join(suite.tmp.dir, 'grey.png'), scratches: 'off' });
  const g = await sharp(join(suite.tmp.dir, 'grey.png')).metadata();
  assert.deepEqual([g.density, g.channels], [300, 1]);
});

test("the album export's restored JPEG, PNG and 16-bit TIFF keep the scan's dpi", async () => {
  const scan = join(suite.tmp.dir, 'export600.jpg');
  await jpegScan(scan, 40, 30, 600);
  const restored = join(suite.tmp.dir, 'export600.png');
  await restoreFile(suite.sessions, scan, { outPath: restored, scratches: 'off' });
  const item = {
    photoId: 1,
    sha256: 'a'.repeat(64),
    fileName: 'export600.jpg',
    caption: null,
    originalPath: scan,
    frame: { rotation: 0 as const, tilt: 0, crop: null },
    takenAt: null,
    version: { id: 1, outputPath: restored, modelId: 'tiny', options: {}, createdAt: null }
  };
  for (const format of ['jpeg', 'png', 'tiff16'] as const) {
    const out = join(suite.tmp.dir, `out-${format}`);
    await mkdir(out);
    const result = await exportItems(
      [item],
      null,
      {
        exportId: `d-${format}`,
        what: 'restored',
        format,
        quality: 90,
        destination: { kind: 'folder', path: join(out, 'Album') },
        manifest: 'json'
      },
      () => {}
    );
    const file = (await readdir(result.path)).find((n) => n !== 'manifest.json')!;
    assert.equal(await density(join(result.path, file)), 600, `${format} export`);
  }
});
