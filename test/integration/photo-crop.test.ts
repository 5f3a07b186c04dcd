/**
 * Cropping a photo in the library (the print inside a scanner bed's margin),
 * over a real library folder, the tiny model set and real images: the crop is
 * checked and stored, renditions come out cut under their own keys, a turn
 * carries the crop round with the picture, a restore works on the cropped
 * photo, an export writes it cropped (or says it could not), and a photo with
 * restored versions refuses a new crop. The original file is never touched.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { libraryPaths } from '../../src/main/paths.ts';
import { validateArgs } from '../../src/main/services/index.ts';
import { rescaleCrop, shownFrame, tiltedBounds, turnCrop } from '../../src/shared/crop.ts';
import { photoMediaKey } from '../../src/shared/media-key.ts';
import type { PhotoSummary } from '../../src/shared/types.ts';
import { photoPixels } from '../helpers/images.ts';
import { BLUE, colourAt, GREEN, H, near, quadrants, RED, size, W, WHITE } from '../fixtures/quadrants.ts';
import { queueIdle } from '../fixtures/queue-idle.ts';
import { exportPhoto, quadrantLibrarySuite, storedOriginal } from '../fixtures/quadrant-library.ts';

/** The right half of the photo: green above, white below. */
const RIGHT_HALF = { left: W / 2, top: 0, width: W / 2, height: H };

const q = quadrantLibrarySuite('heirloom-crop-', 'album page.png');

/** Lays `print` (a file or an encoded image) at (left, top) on a bed, imports that as `in/<name>.png` and lists it. */
async function importLaid(
  name: string,
  bed: { width: number; height: number; background: string },
  print: string | Buffer,
  left: number,
  top: number
): Promise<PhotoSummary> {
  const path = join(q.work, 'in', `${name}.png`);
  await sharp({ create: { ...bed, channels: 3 } })
    .composite([{ input: print, left, top }])
    .png()
    .toFile(path);
  await q.svc.handlers['import:paths']({ paths: [path] });
  return (await q.svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'imported', search: name })).items[0]!;
}

test('a crop is checked, stored, and shown cut under its own media keys', async () => {
  assert.equal(q.photo.crop, null);
  assert.throws(
    () => validateArgs('photos:update', [q.photo.id, { crop: { left: -1, top: 0, width: 40, height: 40 } }]),
    /photos:update/
  );
  assert.throws(
    () => validateArgs('photos:update', [q.photo.id, { crop: { left: 0, top: 0, width: 40.5, height: 40 } }]),
    /photos:update/
  );
  assert.throws(
    () => validateArgs('photos:update', [q.photo.id, { crop: { left: 0, top: 0, width: 40, height: 40, right: 3 } }]),
    /photos:update/
  );
  await assert.rejects(
    q.svc.handlers['photos:update'](q.photo.id, { crop: { left: 60, top: 0, width: 48, height: 64 } }),
    /album page\.png: the crop \(48 × 64 at 60, 0\) runs past the photo's 96 × 64 pixels/
  );
  await assert.rejects(
    q.svc.handlers['photos:update'](q.photo.id, { crop: { left: 0, top: 0, width: 20, height: 64 } }),
    /at least 32 × 32 pixels/
  );
  // The whole photo is no crop at all.
  assert.equal(
    (await q.svc.handlers['photos:update'](q.photo.id, { crop: { left: 0, top: 0, width: W, height: H } })).crop,
    null
  );

  const cropped = await q.svc.handlers['photos:update'](q.photo.id, { crop: RIGHT_HALF });
  assert.deepEqual(cropped.crop, RIGHT_HALF);
  assert.deepEqual(
    (await q.svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'imported' })).items[0]!.crop,
    RIGHT_HALF
  );
  assert.equal(photoMediaKey(cropped), `${q.photo.sha256}.c48_0_48_64`);
  for (const kind of ['thumb', 'original'] as const) {
    const file = (await q.svc.readMedia(kind, photoMediaKey(cropped))).path;
    assert.deepEqual(await size(file), [W / 2, H], `${kind} is cut`);
    assert.ok(near(await colourAt(file, 0.1, 0.1), GREEN), `${kind}: top-left is the old top-right`);
    assert.ok(near(await colourAt(file, 0.1, 0.9), WHITE), `${kind}: bottom-left is the old bottom-right`);
  }
  // The uncropped key still serves the whole photo (the crop tool draws on it).
  assert.deepEqual(await size((await q.svc.readMedia('original', q.photo.sha256)).path), [W, H]);
  await assert.rejects(
    Promise.resolve().then(() => q.svc.readMedia('thumb', `${q.photo.sha256}.c90_0_48_64`)),
    /media key: the crop \(48 × 64 at 90, 0\) runs past/
  );
  assert.deepEqual(await storedOriginal(q), q.originalBytes, 'the original is untouched');
});

test('a turn carries the crop round with the picture, and removes the renditions of the crop before', async () => {
  const paths = libraryPaths(q.lib);
  const before = paths.thumb(`${q.photo.sha256}.c48_0_48_64`);
  assert.ok(existsSync(before));
  // A quarter clockwise: the right half of a 96 × 64 photo becomes the bottom half of a 64 × 96 one.
  const turned = await q.svc.handlers['photos:update'](q.photo.id, { rotation: 90 });
  assert.deepEqual(turned.crop, { left: 0, top: 48, width: 64, height: 48 });
  assert.ok(!existsSync(before), 'the rendition of the earlier crop is gone');
  const file = (await q.svc.readMedia('original', photoMediaKey(turned))).path;
  assert.deepEqual(await size(file), [H, W / 2]);
  assert.ok(near(await colourAt(file, 0.1, 0.5), WHITE), 'the old bottom-right is now left');
  assert.ok(near(await colourAt(file, 0.9, 0.5), GREEN), 'the old top-right is now right');
  assert.deepEqual((await q.svc.handlers['photos:update'](q.photo.id, { rotation: 0 })).crop, RIGHT_HALF, 'and back');
});

test('an export writes the cropped photo, and says so where it copies the bytes untouched', async () => {
  const out = join(q.work, 'out');
  await mkdir(out);
  const png = await exportPhoto(q, q.photo.id, 'jpeg', join(out, 'jpeg'));
  const [file] = (await readdir(png.path)).filter((n) => n.endsWith('.jpg'));
  assert.deepEqual(await size(join(png.path, file!)), [W / 2, H]);
  assert.ok(near(await colourAt(join(png.path, file!), 0.5, 0.1), GREEN));
  await q.svc.handlers['photos:update'](q.photo.id, { rotation: 180 });
  const copy = await exportPhoto(q, q.photo.id, 'original', join(out, 'copy'));
  const manifest = JSON.parse(await readFile(join(copy.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.files[0].note, 'turned 180° and cropped to 48 × 64 in the library; this copy is not');
  assert.deepEqual(await readFile(join(copy.path, manifest.files[0].file)), q.originalBytes);
  await q.svc.handlers['photos:update'](q.photo.id, { rotation: 0 });
});

test(
  'a restore works on the cropped photo; then the crop stays until its versions are gone',
  { timeout: 60_000 },
  async () => {
    await q.svc.handlers['restore:start']({ photoIds: [q.photo.id], scratches: 'off' });
    await assert.rejects(
      q.svc.handlers['photos:update'](q.photo.id, { crop: null }),
      /album page\.png is being restored: wait for the restore to finish or cancel it, then uncrop the photo/
    );
    await queueIdle(q.svc);
    const [version] = await q.svc.handlers['versions:list'](q.photo.id);
    const output = (await q.svc.readMedia('version', String(version!.id))).path;
    assert.deepEqual(await size(output), [W / 2, H], 'the restored version is made from the cropped photo');

    await assert.rejects(
      q.svc.handlers['photos:update'](q.photo.id, { crop: { left: 0, top: 0, width: 48, height: 64 } }),
      /album page\.png has 1 restored version: delete it to crop the photo, then restore it again/
    );
    assert.deepEqual(
      (await q.svc.handlers['library:get'](q.photo.id)).crop,
      RIGHT_HALF,
      'a refused crop changes nothing'
    );
    // Giving the crop it already has is not a change, so it is not refused.
    assert.equal(
      (await q.svc.handlers['photos:update'](q.photo.id, { crop: RIGHT_HALF, caption: 'Page 4' })).caption,
      'Page 4'
    );

    await q.svc.handlers['versions:delete'](version!.id);
    const left = await q.svc.handlers['photos:update'](q.photo.id, {
      crop: { left: 0, top: 0, width: 48, height: 64 }
    });
    const file = (await q.svc.readMedia('thumb', photoMediaKey(left))).path;
    assert.ok(
      near(await colourAt(file, 0.5, 0.1), RED) && near(await colourAt(file, 0.5, 0.9), BLUE),
      'now the left half'
    );
    assert.equal((await q.svc.handlers['photos:update'](q.photo.id, { crop: null })).crop, null);
    assert.ok(!existsSync(file), "the crop's thumbnail went with it");
  }
);

test('the print inside a scan is found as a crop of the photo as shown, turned or not', async () => {
  await quadrants(join(q.work, 'in', 'print.png'));
  const print = await sharp(photoPixels(96, 64, 2), { raw: { width: 96, height: 64, channels: 3 } })
    .png()
    .toBuffer();
  const scan = await importLaid('scan', { width: 400, height: 300, background: '#f4f4f2' }, print, 40, 30);
  // The print is 96 × 64 at (40, 30); the suggestion steps in a pixel past its edge on every side.
  const found = await q.svc.handlers['photos:findPrint'](scan.id);
  assert.deepEqual(
    found,
    { tilt: 0, crop: { left: 41, top: 31, width: 94, height: 62 } },
    'a print lying square needs no straightening'
  );
  await q.svc.handlers['photos:update'](scan.id, { rotation: 90 });
  assert.deepEqual(await q.svc.handlers['photos:findPrint'](scan.id), {
    tilt: 0,
    crop: turnCrop(found!.crop, 1, { width: 400, height: 300 })
  });
  // The photo of the first tests has no margin: nothing to suggest.
  assert.equal(await q.svc.handlers['photos:findPrint'](q.photo.id), null);
  await assert.rejects(q.svc.handlers['photos:findPrint'](999), /no photo with id 999/);
});

test("sharp turns a picture to the size the straightening's geometry expects, so the frame is cut where it is computed", async () => {
  for (const [w, h] of [
    [96, 64],
    [901, 1203],
    [4000, 3000],
    [33, 517]
  ] as const) {
    for (const tilt of [0.1, 1, 2.7, -3.3, 7.5, -15]) {
      const { info } = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080' } })
        .rotate(tilt)
        .raw()
        .toBuffer({ resolveWithObject: true });
      assert.deepEqual(
        [info.width, info.height],
        Object.values(tiltedBounds({ width: w, height: h }, tilt)),
        `${w} × ${h} at ${tilt}°`
      );
    }
  }
});

test(
  'a straightened photo is turned by its tilt and cut to the frame that holds no background; a crop goes with it',
  { timeout: 60_000 },
  async () => {
    // The test photo with a white margin, so any corner of black background the tilt brought in would show.
    const crooked = await importLaid(
      'crooked',
      { width: 240, height: 160, background: '#f0f0f0' },
      join(q.work, 'in', 'print.png'),
      72,
      48
    );
    await assert.rejects(
      q.svc.handlers['photos:update'](crooked.id, { tilt: 4, crop: { left: 0, top: 0, width: 240, height: 160 } }),
      /runs past the photo's 2\d\d × 1\d\d pixels/
    );
    const tilted = await q.svc.handlers['photos:update'](crooked.id, { tilt: 4.04 });
    assert.equal(tilted.tilt, 4, 'kept to a tenth of a degree');
    const frame = shownFrame(tilted);
    assert.ok(frame.width < 240 && frame.height < 160);
    assert.equal(photoMediaKey(tilted), `${crooked.sha256}.t4`);
    for (const kind of ['original', 'thumb'] as const) {
      const file = (await q.svc.readMedia(kind, photoMediaKey(tilted))).path;
      assert.deepEqual(
        await size(file),
        [frame.width, frame.height],
        `${kind} is the straightened frame (under the thumbnail's size, so not scaled)`
      );
      for (const [fx, fy] of [
        [0, 0],
        [0.999, 0],
        [0, 0.999],
        [0.999, 0.999]
      ])
        assert.ok(near(await colourAt(file, fx!, fy!), WHITE), `${kind}: no background at corner ${fx}, ${fy}`);
    }
    // Turned clockwise, the print's top-right corner (green) drops towards the
    // print's right edge: its middle, right of centre, is now green.
    const file = (await q.svc.readMedia('original', photoMediaKey(tilted))).path;
    assert.ok(near(await colourAt(file, 0.5 + 40 / frame.width, 0.5 - 8 / frame.height), GREEN));

    // A crop of the straightened frame; changing the tilt carries it, in proportion, into the new frame.
    const cropped = await q.svc.handlers['photos:update'](crooked.id, {
      crop: { left: 40, top: 30, width: 120, height: 80 }
    });
    const before = (await q.svc.readMedia('thumb', photoMediaKey(cropped))).path;
    const retilted = await q.svc.handlers['photos:update'](crooked.id, { tilt: -2 });
    assert.deepEqual(retilted.crop, rescaleCrop(cropped.crop!, frame, shownFrame(retilted)));
    assert.ok(!existsSync(before), 'the thumbnail of the tilt before went with it');
    const out = join(q.work, 'out', 'tilted');
    const exported = await exportPhoto(q, crooked.id, 'png', out);
    const [name] = (await readdir(exported.path)).filter((n) => n.endsWith('.png'));
    assert.deepEqual(await size(join(exported.path, name!)), [retilted.crop!.width, retilted.crop!.height]);
    const copy = await exportPhoto(q, crooked.id, 'original', join(out, 'copy'));
    const manifest = JSON.parse(await readFile(join(copy.path, 'manifest.json'), 'utf8'));
    assert.equal(
      manifest.files[0].note,
      `straightened -2° and cropped to ${retilted.crop!.width} × ${retilted.crop!.height} in the library; this copy is not`
    );

    await q.svc.handlers['restore:start']({ photoIds: [crooked.id], scratches: 'off' });
    await assert.rejects(
      q.svc.handlers['photos:update'](crooked.id, { tilt: 0 }),
      /crooked\.png is being restored: wait for the restore to finish or cancel it, then straighten the photo/
    );
    await queueIdle(q.svc);
    const [version] = await q.svc.handlers['versions:list'](crooked.id);
    assert.deepEqual(
      await size((await q.svc.readMedia('version', String(version!.id))).path),
      [retilted.crop!.width, retilted.crop!.height],
      'restored as shown'
    );
  }
);

test('a print laid crooked on the glass is levelled by the suggestion, and its crop found in the levelled frame', async () => {
  const printPath = join(q.work, 'in', 'crooked-print.png');
  await sharp(photoPixels(220, 150, 3), { raw: { width: 220, height: 150, channels: 3 } })
    .png()
    .toFile(printPath);
  // Laid 3° anticlockwise on a white lid: the turn's corners filled with the lid's colour.
  const turned = await sharp(printPath).rotate(-3, { background: '#f2f2f0' }).png().toBuffer();
  const scan = await importLaid('crooked scan', { width: 420, height: 320, background: '#f2f2f0' }, turned, 90, 70);
  const found = (await q.svc.handlers['photos:findPrint'](scan.id))!;
  assert.ok(Math.abs(found.tilt - 3) <= 0.3, `levelled by turning ${found.tilt}° clockwise`);
  // The levelled print is 220 × 150; the crop keeps inside its soft edge by a pixel or two.
  assert.ok(
    found.crop.width >= 212 && found.crop.width <= 220 && found.crop.height >= 142 && found.crop.height <= 150,
    `crop ${found.crop.width} × ${found.crop.height}`
  );
  const applied = await q.svc.handlers['photos:update'](scan.id, found);
  const file = (await q.svc.readMedia('original', photoMediaKey(applied))).path;
  for (const [fx, fy] of [
    [0.01, 0.01],
    [0.99, 0.01],
    [0.01, 0.99],
    [0.99, 0.99]
  ]) {
    assert.ok(!near(await colourAt(file, fx!, fy!), [242, 242, 240]), `no lid left at corner ${fx}, ${fy}`);
  }
});
