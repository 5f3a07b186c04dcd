/**
 * The engine end to end on the real onnxruntime path with the tiny
 * random-weight model set: tiling equivalence and seams, image formats and
 * metadata, the latent cache and mapping-only re-run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { restoreFile } from '../../src/main/pipeline/restore.ts';
import { rerunMapping } from '../../src/main/pipeline/rerun.ts';
import type { StageEvent } from '../../src/main/pipeline/stages.ts';
import { TAKEN, colourPng, exifJpeg, greyJpeg, maxAbsDiff, pixels, png16 } from '../fixtures/pipeline-images.ts';
import { tinySessionsSuite } from '../fixtures/tiny-sessions.ts';

const suite = tinySessionsSuite('pipeline');

/** A 0/255 mask PNG with a diagonal "scratch" and a blob. */
async function scratchMask(path: string, width: number, height: number): Promise<void> {
  const m = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (Math.abs(x - y) < 2 || (x - 60) ** 2 + (y - 40) ** 2 < 60) m[y * width + x] = 255;
  await sharp(m, { raw: { width, height, channels: 1 } })
    .png()
    .toFile(path);
}

test('a tiled run matches a whole-image run and shows no seams', async () => {
  const input = join(suite.tmp.dir, 'tiling.png');
  const mask = join(suite.tmp.dir, 'tiling.mask.png');
  await colourPng(input, 301, 233);
  await scratchMask(mask, 301, 233);
  const tiles: StageEvent[] = [];
  const tiled = await restoreFile(suite.sessions, input, {
    outPath: join(suite.tmp.dir, 'tiled.png'),
    maskPath: mask,
    tile: 64,
    onEvent: (e) => e.type === 'tile' && tiles.push(e)
  });
  await restoreFile(suite.sessions, input, { outPath: join(suite.tmp.dir, 'whole.png'), maskPath: mask, tile: 4096 });
  const decodeTiles = tiles.filter((e) => e.type === 'tile' && e.stage === 'decode').at(-1);
  assert.ok(
    decodeTiles && decodeTiles.type === 'tile' && decodeTiles.tiles >= 20,
    'the tiled run really used many tiles'
  );
  assert.ok(tiled.scratchesUsed);
  const a = await pixels(join(suite.tmp.dir, 'tiled.png'));
  const b = await pixels(join(suite.tmp.dir, 'whole.png'));
  assert.deepEqual([a.info.width, a.info.height, a.info.channels], [301, 233, 3], 'colour stays colour');
  const diff = maxAbsDiff(a.data, b.data);
  assert.ok(diff <= 2, `max difference ${diff}/255`);
  // Seams: along the tile boundaries the tiled output must not differ from the whole-image run more than elsewhere.
  const boundaryCols = [48, 96, 144, 192, 240];
  let seam = 0;
  for (const x of boundaryCols)
    for (let y = 0; y < 233; y++)
      for (let c = 0; c < 3; c++) seam += Math.abs(a.data[(y * 301 + x) * 3 + c]! - b.data[(y * 301 + x) * 3 + c]!);
  assert.ok(seam / (boundaryCols.length * 233 * 3) < 0.5, `mean difference on tile boundaries ${seam}`);
});

test('16-bit in gives 16-bit out; grey in gives grey out; EXIF rotation applied and metadata kept', async () => {
  await png16(join(suite.tmp.dir, 'deep.png'), 70, 50);
  const deep = await restoreFile(suite.sessions, join(suite.tmp.dir, 'deep.png'), {
    outPath: join(suite.tmp.dir, 'deep.out.png'),
    scratches: 'off'
  });
  assert.equal(deep.bitDepth, 16);
  const deepMeta = await sharp(join(suite.tmp.dir, 'deep.out.png')).metadata();
  assert.equal(deepMeta.depth, 'ushort');
  assert.deepEqual([deepMeta.width, deepMeta.height], [70, 50]);
  // 16-bit values survive encoding exactly: what the engine computed is what a reader gets back.
  const { encodePng } = await import('../../src/main/pipeline/image-io.ts');
  const values = new Uint16Array(48 * 3).map((_, i) => (i * 7919 * 13) % 65536);
  for (const hadIcc of [false, true]) {
    const png = await encodePng(values, 8, 6, 3, { exif: {}, hadIcc });
    const back = await sharp(png).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer();
    assert.deepEqual(
      [...new Uint16Array(back.buffer, back.byteOffset, back.byteLength / 2)],
      [...values],
      `hadIcc ${hadIcc}`
    );
  }

  await greyJpeg(join(suite.tmp.dir, 'grey.jpg'), 64, 40);
  await restoreFile(suite.sessions, join(suite.tmp.dir, 'grey.jpg'), { outPath: join(suite.tmp.dir, 'grey.out.png') });
  const greyMeta = await sharp(join(suite.tmp.dir, 'grey.out.png')).metadata();
  assert.equal(greyMeta.channels, 1);
  // A black-and-white print saved as RGB (channels equal up to JPEG noise) also comes back grey.
  await sharp(join(suite.tmp.dir, 'grey.jpg'))
    .toColourspace('srgb')
    .jpeg({ quality: 90 })
    .toFile(join(suite.tmp.dir, 'grey-rgb.jpg'));
  assert.equal((await sharp(join(suite.tmp.dir, 'grey-rgb.jpg')).metadata()).channels, 3);
  await restoreFile(suite.sessions, join(suite.tmp.dir, 'grey-rgb.jpg'), {
    outPath: join(suite.tmp.dir, 'grey-rgb.out.png')
  });
  assert.equal((await sharp(join(suite.tmp.dir, 'grey-rgb.out.png')).metadata()).channels, 1);

  await exifJpeg(join(suite.tmp.dir, 'rotated.jpg'));
  await restoreFile(suite.sessions, join(suite.tmp.dir, 'rotated.jpg'), {
    outPath: join(suite.tmp.dir, 'rotated.out.png')
  });
  const meta = await sharp(join(suite.tmp.dir, 'rotated.out.png')).metadata();
  assert.deepEqual([meta.width, meta.height], [48, 80], 'pixels are upright');
  assert.ok(meta.orientation === undefined || meta.orientation === 1);
  assert.ok(meta.icc, 'an sRGB profile describes the converted pixels');
  const exif = exifReader(meta.exif!);
  assert.equal(exif.Image?.ImageDescription, 'grandparents, lake');
  assert.ok(exif.Photo?.DateTimeOriginal instanceof Date);
  assert.equal(
    (exif.Photo!.DateTimeOriginal as Date).toISOString().slice(0, 19),
    TAKEN.replace(/^(\d+):(\d+):(\d+) /, '$1-$2-$3T')
  );
  assert.equal(exif.GPSInfo?.GPSLatitudeRef, 'N');
  assert.ok(Array.isArray(exif.GPSInfo?.GPSLatitude));
});

test('a mapping-only re-run runs map + decode only and equals a full run with the same mask', async () => {
  const input = join(suite.tmp.dir, 'cache.png');
  await colourPng(input, 160, 120);
  const cacheDir = join(suite.tmp.dir, 'cache-v1');
  const fullStages: string[] = [];
  await restoreFile(suite.sessions, input, {
    outPath: join(suite.tmp.dir, 'cache.v1.png'),
    scratches: 'off',
    cacheDir,
    onEvent: (e) => e.type === 'stage' && e.phase === 'start' && fullStages.push(e.stage)
  });
  assert.deepEqual(fullStages, ['encode', 'map', 'decode'], '--scratches off does not run the detector');

  const edited = join(suite.tmp.dir, 'edited-mask.png');
  await scratchMask(edited, 160, 120);
  const rerunStages: string[] = [];
  const rerun = await rerunMapping(suite.sessions, cacheDir, edited, {
    outPath: join(suite.tmp.dir, 'cache.v2.png'),
    newCacheDir: join(suite.tmp.dir, 'cache-v2'),
    onEvent: (e) => e.type === 'stage' && e.phase === 'start' && rerunStages.push(e.stage)
  });
  assert.deepEqual(rerunStages, ['map', 'decode']);
  assert.ok(rerun.scratchesUsed && rerun.maskCoverage > 0);
  await restoreFile(suite.sessions, input, { outPath: join(suite.tmp.dir, 'cache.full2.png'), maskPath: edited });
  const a = await pixels(join(suite.tmp.dir, 'cache.v2.png'));
  const b = await pixels(join(suite.tmp.dir, 'cache.full2.png'));
  assert.equal(maxAbsDiff(a.data, b.data), 0);
  const v1 = await pixels(join(suite.tmp.dir, 'cache.v1.png'));
  assert.ok(maxAbsDiff(a.data, v1.data) > 0, 'the edited mask changed the result');

  await writeFile(
    join(suite.tmp.dir, 'small-mask.png'),
    await sharp(Buffer.alloc(100), { raw: { width: 10, height: 10, channels: 1 } })
      .png()
      .toBuffer()
  );
  await assert.rejects(
    rerunMapping(suite.sessions, cacheDir, join(suite.tmp.dir, 'small-mask.png'), {
      outPath: join(suite.tmp.dir, 'x.png')
    }),
    /is 10×10, the photo is 160×120/
  );

  // The photo context comes from the cache's header (the whole latent is not read again)…
  const header = JSON.parse(await readFile(join(cacheDir, 'latent.json'), 'utf8'));
  assert.equal(header.context.length, 2 * header.channels);
  // …so a cache written without it (an older model's) cannot be re-run: refused before any output exists.
  delete header.context;
  await writeFile(join(cacheDir, 'latent.json'), JSON.stringify(header));
  await assert.rejects(
    rerunMapping(suite.sessions, cacheDir, edited, { outPath: join(suite.tmp.dir, 'no-context.png') }),
    (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'conflict');
      assert.match(e.message, /no photo context for this model; run a full restore/);
      return true;
    }
  );
  await assert.rejects(readFile(join(suite.tmp.dir, 'no-context.png')), { code: 'ENOENT' });
  // A float32 cache (format 1, before latents were kept as half floats) is refused in words too.
  await writeFile(join(cacheDir, 'latent.json'), JSON.stringify({ ...header, format: 1 }));
  await assert.rejects(
    rerunMapping(suite.sessions, cacheDir, edited, { outPath: join(suite.tmp.dir, 'format-1.png') }),
    /written by an older Heirloom; run a full restore/
  );
});

test('scratches: on saves the detected mask at full resolution; the output is never overwritten without asking', async () => {
  const input = join(suite.tmp.dir, 'mask.png');
  await colourPng(input, 90, 70);
  const out = join(suite.tmp.dir, 'mask.out.png');
  const maskOut = join(suite.tmp.dir, 'mask.out.mask.png');
  await restoreFile(suite.sessions, input, { outPath: out, maskOutPath: maskOut, scratches: 'on' });
  const m = await sharp(maskOut).metadata();
  assert.deepEqual([m.width, m.height, m.channels], [90, 70, 1]);
  await assert.rejects(restoreFile(suite.sessions, input, { outPath: out }), { kind: 'conflict' });
  await restoreFile(suite.sessions, input, { outPath: out, overwrite: true, scratches: 'off' });
});

test('a re-run given the parent output runs only the tiles the mask edit touches, with the same result', async () => {
  const input = join(suite.tmp.dir, 'local.png');
  await colourPng(input, 320, 240);
  const before = join(suite.tmp.dir, 'local-before.png');
  await scratchMask(before, 320, 240);
  const cacheDir = join(suite.tmp.dir, 'local-v1');
  const parentOut = join(suite.tmp.dir, 'local.v1.png');
  await restoreFile(suite.sessions, input, { outPath: parentOut, maskPath: before, cacheDir, tile: 64 });
  // The edit: one small stroke in the lower right corner.
  const edited = join(suite.tmp.dir, 'local-after.png');
  const m = (await sharp(before).toColourspace('b-w').raw().toBuffer()) as Buffer;
  for (let y = 200; y < 210; y++) for (let x = 280; x < 300; x++) m[y * 320 + x] = 255;
  await sharp(m, { raw: { width: 320, height: 240, channels: 1 } })
    .png()
    .toFile(edited);
  const tiles: Record<string, number> = {};
  await rerunMapping(suite.sessions, cacheDir, edited, {
    outPath: join(suite.tmp.dir, 'local.v2.png'),
    previousOutput: parentOut,
    newCacheDir: join(suite.tmp.dir, 'local-v2'),
    tile: 64,
    onEvent: (e) => {
      if (e.type === 'tile') tiles[e.stage] = e.tiles;
    }
  });
  const total = Math.ceil(240 / 48) * Math.ceil(320 / 48);
  assert.ok(tiles.map! > 0 && tiles.map! <= 9 && tiles.map! < total / 3, `map ran ${tiles.map} tiles`);
  assert.ok(tiles.decode! <= 16, `decode ran ${tiles.decode} tiles`);
  await restoreFile(suite.sessions, input, {
    outPath: join(suite.tmp.dir, 'local.full.png'),
    maskPath: edited,
    tile: 64
  });
  const a = await pixels(join(suite.tmp.dir, 'local.v2.png'));
  const b = await pixels(join(suite.tmp.dir, 'local.full.png'));
  assert.ok(maxAbsDiff(a.data, b.data) <= 1, `differs by ${maxAbsDiff(a.data, b.data)}`);
  // A second re-run from the new version (chained edits) also works from its cache.
  await rerunMapping(suite.sessions, join(suite.tmp.dir, 'local-v2'), before, {
    outPath: join(suite.tmp.dir, 'local.v3.png'),
    previousOutput: join(suite.tmp.dir, 'local.v2.png'),
    tile: 64
  });
  const c = await pixels(join(suite.tmp.dir, 'local.v3.png'));
  const v1 = await pixels(parentOut);
  assert.ok(maxAbsDiff(c.data, v1.data) <= 1, 'undoing the edit gives the first version back');
});

test('images smaller than a tile, down to 1×1, restore at their own size', async () => {
  for (const [w, h] of [
    [1, 1],
    [3, 2],
    [5, 300]
  ] as const) {
    const input = join(suite.tmp.dir, `small-${w}x${h}.png`);
    await sharp({ create: { width: w, height: h, channels: 3, background: '#806040' } })
      .png()
      .toFile(input);
    const r = await restoreFile(suite.sessions, input, {
      outPath: join(suite.tmp.dir, `small-${w}x${h}.out.png`),
      scratches: 'on'
    });
    const m = await sharp(r.outPath).metadata();
    assert.deepEqual([m.width, m.height], [w, h]);
  }
});
