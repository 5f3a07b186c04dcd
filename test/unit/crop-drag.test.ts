/** The crop tool's dragging: edges, corners and the whole rectangle, kept inside the photo and never below the smallest crop. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cropAt, cropPercent, dragCrop, wholeFrame } from '../../src/renderer/src/lib/crop/crop-drag.ts';

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
  assert.deepEqual(cropAt(5, 5, { width: 20, height: 40 }), { left: 0, top: 5, width: 20, height: 20 }, 'a photo smaller than the smallest crop');
  assert.deepEqual(cropPercent(start, frame), { left: 25, top: 50 / 3, width: 50, height: 50 });
  assert.deepEqual(wholeFrame(frame), { left: 0, top: 0, width: 400, height: 300 });
});
