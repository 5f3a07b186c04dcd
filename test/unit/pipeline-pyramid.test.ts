/**
 * Pyramid detection's resampling: the box halving and the bilinear upsampling
 * (half-pixel centres, edges clamped) that training/detect_pyramid.py defines
 * and tests against PyTorch, the level count and the piece-size filter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { halve, keepLargePieces, mirror, pyramidLevels, upsample } from '../../src/main/pipeline/pyramid.ts';

test('halve averages 2 × 2 blocks and drops an odd last row and column', () => {
  const width = 5;
  const height = 3;
  const data = Float32Array.from({ length: width * height }, (_, i) => i);
  const half = halve({ data, width, height });
  assert.deepEqual([half.width, half.height], [2, 1]);
  // blocks {0,1,5,6} and {2,3,7,8}
  assert.deepEqual(Array.from(half.data), [3, 5]);
});

test('mirror flips rows and/or columns and undoes itself', () => {
  const plane = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), width: 3, height: 2 };
  assert.deepEqual(Array.from(mirror(plane, false, false).data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(mirror(plane, false, true).data), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(Array.from(mirror(plane, true, false).data), [4, 5, 6, 1, 2, 3]);
  assert.deepEqual(Array.from(mirror(plane, true, true).data), [6, 5, 4, 3, 2, 1]);
  for (const [rows, cols] of [
    [false, true],
    [true, false],
    [true, true]
  ] as const) {
    assert.deepEqual(Array.from(mirror(mirror(plane, rows, cols), rows, cols).data), Array.from(plane.data));
  }
  assert.notEqual(mirror(plane, false, false).data, plane.data, 'a copy: the caller may keep using its plane');
});

test('upsample by 2 puts pixel centres at a quarter and three quarters, clamped at the edges', () => {
  const up = upsample({ data: Float32Array.from([0, 1]), width: 2, height: 1 }, 4, 1);
  assert.deepEqual(Array.from(up.data), [0, 0.25, 0.75, 1]);
});

test('upsample reproduces a linear ramp inside the image at any ratio', () => {
  const [sw, sh, dw, dh] = [7, 5, 23, 16];
  const data = new Float32Array(sw * sh);
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) data[y * sw + x] = 0.3 * x - 0.2 * y + 1;
  const up = upsample({ data, width: sw, height: sh }, dw, dh);
  let checked = 0;
  for (let y = 0; y < dh; y++) {
    const sy = (y + 0.5) * (sh / dh) - 0.5;
    for (let x = 0; x < dw; x++) {
      const sx = (x + 0.5) * (sw / dw) - 0.5;
      if (sx < 0 || sy < 0 || sx > sw - 1 || sy > sh - 1) continue; // clamped edges: not the ramp
      assert.ok(Math.abs(up.data[y * dw + x]! - (0.3 * sx - 0.2 * sy + 1)) < 1e-5, `(${x}, ${y})`);
      checked++;
    }
  }
  assert.ok(checked > dw * dh * 0.5, `most of the image is inside (${checked})`);
});

test('upsample keeps a constant and clamps beyond the last pixel', () => {
  const up = upsample({ data: new Float32Array(6).fill(0.7), width: 3, height: 2 }, 9, 5);
  for (const v of up.data) assert.ok(Math.abs(v - 0.7) < 1e-6);
});

test('pyramidLevels halves while the short side stays at the limit', () => {
  assert.equal(pyramidLevels(300, 256, 128), 1);
  assert.equal(pyramidLevels(300, 255, 128), 0);
  assert.equal(pyramidLevels(1024, 768, 128), 2);
  assert.equal(pyramidLevels(1024, 768, 64), 3);
});

test('keepLargePieces keeps 8-connected pieces of at least minArea pixels', () => {
  const [w, h] = [8, 6];
  const rows = ['#.......', '.#....##', '..#...##', '........', '#......#', '#.....#.'];
  const mask = Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
  const show = (m: Uint8Array): string[] =>
    rows.map((_, y) => Array.from(m.subarray(y * w, (y + 1) * w), (v) => (v ? '#' : '.')).join(''));
  // diagonal (3), square (4), left pair (2), right diagonal pair (2)
  assert.deepEqual(show(keepLargePieces(Uint8Array.from(mask), w, h, 3)), [
    '#.......',
    '.#....##',
    '..#...##',
    '........',
    '........',
    '........'
  ]);
  assert.deepEqual(show(keepLargePieces(Uint8Array.from(mask), w, h, 4)), [
    '........',
    '......##',
    '......##',
    '........',
    '........',
    '........'
  ]);
  assert.deepEqual(show(keepLargePieces(Uint8Array.from(mask), w, h, 2)), rows);
  assert.deepEqual(show(keepLargePieces(Uint8Array.from(mask), w, h, 0)), rows);
});
