/** Crops of the photo as shown: checking one, carrying it round a turn, and writing it into media keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as crops from '../../src/shared/crop.ts';
import { isMediaKeyShape, parsePhotoMediaKey, photoMediaKey } from '../../src/shared/media-key.ts';

const SHA = 'ab'.repeat(32);

/** The pixels a crop covers in a W × H frame, after turning the frame a quarter clockwise `q` times, as "x,y" keys. */
function turnedPixels(crop: crops.Crop, w: number, h: number, q: number): Set<string> {
  const out = new Set<string>();
  for (let y = crop.top; y < crop.top + crop.height; y++)
    for (let x = crop.left; x < crop.left + crop.width; x++) {
      let [px, py, fw, fh] = [x, y, w, h];
      // A quarter clockwise sends (x, y) of a fw × fh picture to (fh - 1 - y, x).
      for (let i = 0; i < q; i++) [px, py, fw, fh] = [fh - 1 - py, px, fh, fw];
      out.add(`${px},${py}`);
    }
  return out;
}

const pixelsOf = (c: crops.Crop): Set<string> => turnedPixels(c, 0, 0, 0);

test('a turned crop covers exactly the pixels the crop covered, turned with the picture', () => {
  const crop = { left: 3, top: 1, width: 5, height: 2 };
  for (const q of [1, 2, 3]) {
    const turned = crops.turnCrop(crop, q, { width: 10, height: 6 });
    assert.deepEqual(pixelsOf(turned), turnedPixels(crop, 10, 6, q), `${q} quarter(s)`);
  }
  assert.deepEqual(crops.turnCrop(crop, 1, { width: 10, height: 6 }), { left: 3, top: 3, width: 2, height: 5 });
});

test('turning back, or all the way round, gives the crop it started from', () => {
  const crop = { left: 40, top: 7, width: 300, height: 123 };
  const frame = { width: 640, height: 480 };
  assert.deepEqual(crops.turnCrop(crop, 4, frame), crop);
  assert.deepEqual(crops.turnCrop(crop, 0, frame), crop);
  assert.deepEqual(crops.turnCrop(crops.turnCrop(crop, 1, frame), -1, { width: 480, height: 640 }), crop);
  assert.deepEqual(crops.turnCrop(crop, -1, frame), crops.turnCrop(crop, 3, frame));
});

test('a crop must be whole pixels, inside the photo and not too small', () => {
  const frame = { width: 200, height: 100 };
  assert.equal(crops.cropProblem({ left: 0, top: 0, width: 200, height: 100 }, frame), null);
  assert.equal(crops.cropProblem({ left: 168, top: 68, width: 32, height: 32 }, frame), null);
  assert.match(crops.cropProblem({ left: 0.5, top: 0, width: 100, height: 50 }, frame)!, /whole pixels/);
  assert.match(crops.cropProblem({ left: -1, top: 0, width: 100, height: 50 }, frame)!, /outside the photo/);
  assert.match(crops.cropProblem({ left: 0, top: 0, width: 31, height: 50 }, frame)!, /at least 32 × 32 pixels/);
  assert.equal(
    crops.cropProblem({ left: 101, top: 0, width: 100, height: 50 }, frame),
    "the crop (100 × 50 at 101, 0) runs past the photo's 200 × 100 pixels"
  );
  assert.ok(crops.isWholeFrame({ left: 0, top: 0, width: 200, height: 100 }, frame));
  assert.ok(!crops.isWholeFrame({ left: 0, top: 0, width: 200, height: 99 }, frame));
});

test('the frame as shown swaps for EXIF orientations 5-8 and quarter turns, and a crop is what is shown', () => {
  const p = { width: 300, height: 200, orientation: null, rotation: 0 as const, tilt: 0 };
  assert.deepEqual(crops.shownFrame(p), { width: 300, height: 200 });
  assert.deepEqual(crops.shownFrame({ ...p, rotation: 90 }), { width: 200, height: 300 });
  assert.deepEqual(crops.shownFrame({ ...p, orientation: 6 }), { width: 200, height: 300 });
  assert.deepEqual(crops.shownFrame({ ...p, orientation: 6, rotation: 270 }), { width: 300, height: 200 });
  assert.deepEqual(crops.shownSize({ ...p, crop: null }), { width: 300, height: 200 });
  assert.deepEqual(crops.shownSize({ ...p, crop: { left: 10, top: 10, width: 64, height: 48 } }), {
    width: 64,
    height: 48
  });
});

test('crops round-trip through their stored form and media keys; malformed ones are refused', () => {
  const crop = { left: 12, top: 0, width: 640, height: 480 };
  assert.equal(crops.formatCrop(crop), '12_0_640_480');
  assert.deepEqual(crops.parseCrop('12_0_640_480'), crop);
  for (const bad of ['12_0_640', '12,0,640,480', '-1_0_5_5', '1_2_3_4_5', ''])
    assert.equal(crops.parseCrop(bad), null, bad);
  assert.equal(crops.parseCrop(null), null);

  assert.equal(photoMediaKey({ sha256: SHA, rotation: 0, tilt: 0, crop: null }), SHA);
  const key = photoMediaKey({ sha256: SHA, rotation: 90, tilt: -2.5, crop });
  assert.equal(key, `${SHA}.r90.t-2.5.c12_0_640_480`);
  assert.deepEqual(parsePhotoMediaKey(key), { sha256: SHA, rotation: 90, tilt: -2.5, crop });
  assert.deepEqual(parsePhotoMediaKey(`${SHA}.c1_2_33_44`), {
    sha256: SHA,
    rotation: 0,
    tilt: 0,
    crop: { left: 1, top: 2, width: 33, height: 44 }
  });
  assert.deepEqual(parsePhotoMediaKey(`${SHA}.t3`), { sha256: SHA, rotation: 0, tilt: 3, crop: null });
  for (const bad of [
    `${SHA}.c1_2_3`,
    `${SHA}.c1_2_3_4.r90`,
    `${SHA}.r45`,
    `${SHA}.c1_2_3_4567890`,
    `${SHA}.t16`,
    `${SHA}.t0`,
    `${SHA}.t1.25`,
    `${SHA}.c1_2_3_4.t1`
  ]) {
    assert.equal(parsePhotoMediaKey(bad), null, bad);
  }
});

test('straightening leaves the largest centred frame of the same shape that holds none of the corners the tilt brings in', () => {
  const size = { width: 400, height: 300 };
  assert.deepEqual(crops.straightened(size, 0), size);
  for (const tilt of [0.5, 2.5, -7, 15]) {
    const f = crops.straightened(size, tilt);
    const bounds = crops.tiltedBounds(size, tilt);
    const { left, top } = crops.straightenedOffset(size, tilt);
    assert.ok(Math.abs(f.width / f.height - 4 / 3) < 0.02, `${tilt}°: the same shape`);
    assert.ok(
      crops.straightened(size, -tilt).width === f.width && crops.straightened(size, -tilt).height === f.height,
      `${tilt}°: either way alike`
    );
    // Every corner of the frame, turned back by the tilt about the picture's centre, lies inside the photo.
    const r = (-tilt * Math.PI) / 180;
    for (const [x, y] of [
      [left, top],
      [left + f.width, top],
      [left, top + f.height],
      [left + f.width, top + f.height]
    ]) {
      const dx = x! - bounds.width / 2;
      const dy = y! - bounds.height / 2;
      const px = dx * Math.cos(r) - dy * Math.sin(r) + size.width / 2;
      const py = dx * Math.sin(r) + dy * Math.cos(r) + size.height / 2;
      assert.ok(
        px >= -0.01 && px <= size.width + 0.01 && py >= -0.01 && py <= size.height + 0.01,
        `${tilt}°: corner ${x}, ${y} is inside (${px.toFixed(2)}, ${py.toFixed(2)})`
      );
    }
  }
  assert.deepEqual(crops.straightened(size, 2.5), { width: 376, height: 281 });
  assert.deepEqual(crops.shownFrame({ width: 300, height: 400, orientation: null, rotation: 90, tilt: 2.5 }), {
    width: 376,
    height: 281
  });
});

test('a tilt is kept to a tenth of a degree within ±15°, and a crop follows into the frame a new tilt leaves', () => {
  assert.equal(crops.normalizeTilt(2.54), 2.5);
  assert.equal(crops.normalizeTilt(-20), -15);
  assert.equal(crops.normalizeTilt(-0.04), 0);
  assert.deepEqual(
    crops.rescaleCrop(
      { left: 100, top: 30, width: 200, height: 240 },
      { width: 400, height: 300 },
      { width: 376, height: 281 }
    ),
    { left: 94, top: 28, width: 188, height: 225 }
  );
  assert.deepEqual(
    crops.rescaleCrop(
      { left: 0, top: 0, width: 40, height: 32 },
      { width: 400, height: 300 },
      { width: 100, height: 75 }
    ),
    { left: 0, top: 0, width: 32, height: 32 },
    'never below the smallest crop'
  );
});

test("every photo key, turned, crops.straightened and cropped as far as it goes, passes the transports' key check", () => {
  const longest = photoMediaKey({
    sha256: SHA,
    rotation: 270,
    tilt: -14.9,
    crop: { left: 999999, top: 999999, width: 999999, height: 999999 }
  });
  assert.ok(isMediaKeyShape(longest), longest);
  assert.deepEqual(parsePhotoMediaKey(longest)?.tilt, -14.9);
  for (const tilt of [0.1, -0.1, 7, -15])
    assert.ok(isMediaKeyShape(photoMediaKey({ sha256: SHA, rotation: 90, tilt, crop: null })), `${tilt}°`);
  for (const bad of ['../secret', 'a/b', 'a\\b', '', 'x'.repeat(201), `${SHA}..r90`])
    assert.ok(!isMediaKeyShape(bad), bad);
  assert.ok(isMediaKeyShape('12345'), 'a version id');
});
