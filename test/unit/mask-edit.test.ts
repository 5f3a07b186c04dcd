import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paintDot, paintSegment } from '../../src/renderer/src/lib/mask/brush.ts';
import {
  clipRect,
  countOn,
  createMask,
  fillMask,
  OFF,
  ON,
  unionRect,
  type Mask
} from '../../src/renderer/src/lib/mask/mask.ts';
import { grow, shrink } from '../../src/renderer/src/lib/mask/morphology.ts';

const at = (m: Mask, x: number, y: number) => m.data[y * m.width + x];

test('createMask refuses nonsense sizes', () => {
  assert.throws(() => createMask(0, 10), RangeError);
  assert.throws(() => createMask(10.5, 10), RangeError);
  assert.equal(createMask(3, 2).data.length, 6);
});

test('a dot paints a disc of the brush radius', () => {
  const m = createMask(21, 21);
  const rect = paintDot(m, { x: 10.5, y: 10.5 }, 5, ON);
  assert.ok(rect);
  // Area of a radius-5 disc ≈ 78.5 pixels.
  assert.ok(Math.abs(countOn(m) - Math.PI * 25) < 6, `count ${countOn(m)}`);
  assert.equal(at(m, 10, 10), ON);
  assert.equal(at(m, 15, 10), ON);
  assert.equal(at(m, 16, 10), OFF);
  assert.equal(at(m, 14, 14), OFF, 'corner of the bounding box is outside the disc');
});

test('a fast stroke leaves no gaps between pointer samples', () => {
  const m = createMask(100, 20);
  paintSegment(m, { x: 2, y: 10 }, { x: 97, y: 10 }, 2, ON);
  for (let x = 2; x < 97; x++) assert.equal(at(m, x, 10), ON, `x=${x}`);
  assert.equal(at(m, 50, 13), OFF);
});

test('the eraser clears what the brush painted; strokes off the edge are clipped', () => {
  const m = createMask(30, 30);
  paintSegment(m, { x: -10, y: -10 }, { x: 40, y: 40 }, 3, ON);
  const painted = countOn(m);
  assert.ok(painted > 100);
  paintSegment(m, { x: -10, y: -10 }, { x: 40, y: 40 }, 4, OFF);
  assert.equal(countOn(m), 0);
  assert.equal(paintDot(m, { x: -50, y: -50 }, 3, ON), null);
});

test('rect helpers', () => {
  const m = createMask(10, 10);
  assert.deepEqual(clipRect(m, { x: -5, y: 8, w: 8, h: 8 }), { x: 0, y: 8, w: 3, h: 2 });
  assert.equal(clipRect(m, { x: 11, y: 0, w: 2, h: 2 }), null);
  assert.deepEqual(unionRect({ x: 1, y: 1, w: 2, h: 2 }, { x: 5, y: 0, w: 1, h: 1 }), { x: 1, y: 0, w: 5, h: 3 });
  assert.deepEqual(unionRect(null, { x: 1, y: 1, w: 1, h: 1 }), { x: 1, y: 1, w: 1, h: 1 });
  fillMask(m, ON);
  assert.equal(countOn(m), 100);
});

test('grow turns on a round neighbourhood; shrink undoes it', () => {
  const m = createMask(41, 41);
  m.data[20 * 41 + 20] = ON;
  grow(m, 10);
  assert.equal(at(m, 30, 20), ON, 'distance 10 along an axis');
  assert.equal(at(m, 31, 20), OFF);
  assert.equal(at(m, 27, 27), ON, 'distance √98 ≈ 9.9');
  assert.equal(at(m, 28, 28), OFF, 'distance √128 ≈ 11.3: round, not square');
  const disc = countOn(m);
  assert.ok(Math.abs(disc - Math.PI * 100) < 20, `disc area ${disc}`);
  shrink(m, 10);
  assert.equal(countOn(m), 1);
  assert.equal(at(m, 20, 20), ON);
});

test('shrink removes thin lines and does not eat from the image border', () => {
  const m = createMask(40, 40);
  paintSegment(m, { x: 0, y: 10.5 }, { x: 40, y: 10.5 }, 1, ON); // 2-pixel line
  for (let y = 25; y < 40; y++) for (let x = 0; x < 40; x++) m.data[y * 40 + x] = ON; // block touching the bottom
  shrink(m, 2);
  for (let x = 0; x < 40; x++) assert.equal(at(m, x, 10), OFF);
  assert.equal(at(m, 20, 39), ON, 'the bottom edge stays');
  assert.equal(at(m, 20, 26), OFF, 'the top edge of the block moved');
  assert.equal(at(m, 20, 28), ON);
});

test('grow and shrink handle empty and full masks and radius 0', () => {
  const empty = createMask(8, 8);
  grow(empty, 3);
  assert.equal(countOn(empty), 0);
  const full = createMask(8, 8);
  fillMask(full, ON);
  shrink(full, 3);
  assert.equal(countOn(full), 64);
  shrink(full, 0);
  assert.equal(countOn(full), 64);
});

test('grow stays fast on a full-resolution scan mask', () => {
  const m = createMask(4000, 3000);
  paintSegment(m, { x: 100, y: 100 }, { x: 3900, y: 2900 }, 3, ON);
  const t0 = performance.now();
  grow(m, 8);
  const ms = performance.now() - t0;
  assert.equal(at(m, 2000, 2000 - 11), OFF);
  assert.ok(ms < 5000, `grow of a 12 MP mask took ${ms.toFixed(0)} ms`);
});
