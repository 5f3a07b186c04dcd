/**
 * The crop tool's dragging: edges, corners and the whole rectangle, kept inside the photo
 * and never below the smallest crop.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cropAt,
  cropPercent,
  dragCrop,
  dragCropAspect,
  fitAspect,
  turnedShape,
  wholeFrame
} from '../../src/renderer/src/lib/crop/crop-drag.ts';

const frame = { width: 400, height: 300 };
const start = { left: 100, top: 50, width: 200, height: 150 };

test('an edge or corner moves only its own sides, to whole pixels', () => {
  assert.deepEqual(dragCrop(start, 'e', 20.4, 99, frame), { left: 100, top: 50, width: 220, height: 150 });
  assert.deepEqual(dragCrop(start, 'w', -30, 0, frame), { left: 70, top: 50, width: 230, height: 150 });
  assert.deepEqual(dragCrop(start, 'n', 5, 10.6, frame), { left: 100, top: 61, width: 200, height: 139 });
  assert.deepEqual(dragCrop(start, 'sw', 10, 10, frame), { left: 110, top: 50, width: 190, height: 160 });
  assert.deepEqual(dragCrop(start, 'ne', -10, -10, frame), { left: 100, top: 40, width: 190, height: 160 });
});

test('dragging stops at the photo and at the smallest crop; moving keeps the size', () => {
  assert.deepEqual(dragCrop(start, 'se', 1000, 1000, frame), { left: 100, top: 50, width: 300, height: 250 });
  assert.deepEqual(dragCrop(start, 'nw', -1000, -1000, frame), { left: 0, top: 0, width: 300, height: 200 });
  assert.deepEqual(dragCrop(start, 'e', -1000, 0, frame), { left: 100, top: 50, width: 32, height: 150 });
  assert.deepEqual(dragCrop(start, 'n', 0, 1000, frame), { left: 100, top: 168, width: 200, height: 32 });
  assert.deepEqual(dragCrop(start, 'move', 1000, -1000, frame), { left: 200, top: 0, width: 200, height: 150 });
  assert.deepEqual(dragCrop(start, 'move', -10.6, 3.2, frame), { left: 89, top: 53, width: 200, height: 150 });
});

test('a new crop starts small where the pointer is, inside the photo; percentages place it at any scale', () => {
  assert.deepEqual(cropAt(10.2, 20.7, frame), { left: 10, top: 21, width: 32, height: 32 });
  assert.deepEqual(cropAt(399, 299, frame), { left: 368, top: 268, width: 32, height: 32 });
  assert.deepEqual(
    cropAt(5, 5, { width: 20, height: 40 }),
    { left: 0, top: 5, width: 20, height: 20 },
    'a photo smaller than the smallest crop'
  );
  assert.deepEqual(cropPercent(start, frame), { left: 25, top: 50 / 3, width: 50, height: 50 });
  assert.deepEqual(wholeFrame(frame), { left: 0, top: 0, width: 400, height: 300 });
});

test('a chosen shape: the largest crop of it centred in the one before', () => {
  assert.deepEqual(fitAspect({ left: 0, top: 0, width: 400, height: 300 }, 1), {
    left: 50,
    top: 0,
    width: 300,
    height: 300
  });
  assert.deepEqual(fitAspect({ left: 10, top: 20, width: 300, height: 300 }, 3 / 2), {
    left: 10,
    top: 70,
    width: 300,
    height: 200
  });
  assert.deepEqual(fitAspect({ left: 0, top: 0, width: 300, height: 400 }, 2 / 3), {
    left: 16,
    top: 0,
    width: 267,
    height: 400
  });
});

test('dragging with the shape kept: the opposite corner or edge stays, the shape holds, the photo bounds it', () => {
  const start = { left: 100, top: 60, width: 150, height: 100 };
  const ratio = 3 / 2;
  const shape = (c: { width: number; height: number }) => Math.abs(c.width / c.height - ratio) < 0.02;
  // Corner: the larger movement wins; the top-left corner stays.
  const se = dragCropAspect(start, 'se', 30, 5, frame, ratio);
  assert.deepEqual(se, { left: 100, top: 60, width: 180, height: 120 });
  // An edge: the other side grows about its middle.
  const e = dragCropAspect(start, 'e', 60, 0, frame, ratio);
  assert.deepEqual(e, { left: 100, top: 40, width: 210, height: 140 });
  // Far past the photo: as large as fits from the fixed corner.
  const nw = dragCropAspect(start, 'nw', -1000, -1000, frame, ratio);
  assert.deepEqual([nw.left + nw.width, nw.top + nw.height], [250, 160]);
  assert.ok(nw.top === 0 && shape(nw), JSON.stringify(nw));
  // Shrinking stops at the smallest crop, in the shape.
  const tiny = dragCropAspect(start, 'sw', 1000, -1000, frame, ratio);
  assert.deepEqual(tiny, { left: 202, top: 60, width: 48, height: 32 });
  for (const grip of ['n', 's', 'w', 'ne'] as const) {
    for (const [dx, dy] of [
      [40, 40],
      [-40, -40],
      [500, -500]
    ]) {
      const c = dragCropAspect(start, grip, dx!, dy!, frame, ratio);
      assert.ok(
        shape(c) && c.left >= 0 && c.top >= 0 && c.left + c.width <= 400 && c.top + c.height <= 300,
        `${grip} ${dx},${dy}: ${JSON.stringify(c)}`
      );
    }
  }
});

test('a kept shape turned a quarter stays about the crop, as long as it, inside the photo', () => {
  // 300 × 200 landscape about (200, 150) → 2:3 portrait as tall as the photo allows (300 px on a 400 × 300 photo).
  assert.deepEqual(turnedShape({ left: 50, top: 50, width: 300, height: 200 }, 2 / 3, frame), {
    left: 100,
    top: 0,
    width: 200,
    height: 300
  });
  // A small one keeps its length: 90 × 60 → 60 × 90, same middle.
  assert.deepEqual(turnedShape({ left: 10, top: 100, width: 90, height: 60 }, 2 / 3, frame), {
    left: 25,
    top: 85,
    width: 60,
    height: 90
  });
  // Never below the smallest crop.
  assert.deepEqual(turnedShape({ left: 0, top: 0, width: 36, height: 32 }, 2 / 3, frame), {
    left: 2,
    top: 0,
    width: 32,
    height: 48
  });
});
