import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paintSegment } from '../../src/renderer/src/lib/mask/brush.ts';
import { maskFromRgba, maskToRgba, resizeMask } from '../../src/renderer/src/lib/mask/codec.ts';
import { decodeRuns, encodeRuns, MaskHistory } from '../../src/renderer/src/lib/mask/history.ts';
import {
  countOn,
  createMask,
  fillMask,
  fullRect,
  ON,
  unionRect,
  type Rect
} from '../../src/renderer/src/lib/mask/mask.ts';
import { grow } from '../../src/renderer/src/lib/mask/morphology.ts';

test('run-length encoding round-trips', () => {
  const px = Uint8Array.from([0, 0, 0, 255, 255, 0, 7, 7, 7, 7]);
  const runs = encodeRuns(px);
  assert.deepEqual([...runs], [0, 3, 255, 2, 0, 1, 7, 4]);
  assert.deepEqual(decodeRuns(runs, px.length), px);
  assert.deepEqual(decodeRuns(encodeRuns(new Uint8Array(0)), 0), new Uint8Array(0));
});

test('undo and redo restore strokes and whole-mask edits exactly', () => {
  const m = createMask(64, 48);
  const h = new MaskHistory();
  const snapshots: Uint8Array[] = [m.data.slice()];

  h.begin(m);
  let dirty: Rect | null = null;
  dirty = unionRect(dirty, paintSegment(m, { x: 5, y: 5 }, { x: 30, y: 20 }, 3, ON));
  dirty = unionRect(dirty, paintSegment(m, { x: 30, y: 20 }, { x: 50, y: 5 }, 3, ON));
  h.commit(m, dirty, 'brush');
  snapshots.push(m.data.slice());

  h.begin(m);
  h.commit(m, grow(m, 2), 'grow');
  snapshots.push(m.data.slice());

  h.begin(m);
  h.commit(m, fillMask(m), 'clear');
  snapshots.push(m.data.slice());
  assert.equal(countOn(m), 0);
  assert.equal(h.size, 3);
  assert.equal(h.nextUndoLabel, 'clear');

  for (let i = snapshots.length - 2; i >= 0; i--) {
    assert.ok(h.undo(m));
    assert.deepEqual(m.data, snapshots[i], `after undo to state ${i}`);
  }
  assert.equal(h.undo(m), null);
  assert.equal(h.canUndo, false);
  for (let i = 1; i < snapshots.length; i++) {
    assert.ok(h.redo(m));
    assert.deepEqual(m.data, snapshots[i], `after redo to state ${i}`);
  }
  assert.equal(h.canRedo, false);
});

test('a new edit after undo drops the redo branch; no-op edits add no step', () => {
  const m = createMask(16, 16);
  const h = new MaskHistory();
  h.begin(m);
  h.commit(m, paintSegment(m, { x: 2, y: 2 }, { x: 2, y: 2 }, 2, ON), 'dot');
  h.undo(m);
  assert.equal(h.canRedo, true);
  h.begin(m);
  h.commit(m, paintSegment(m, { x: 9, y: 9 }, { x: 9, y: 9 }, 2, ON), 'dot2');
  assert.equal(h.canRedo, false);
  h.begin(m);
  h.commit(m, paintSegment(m, { x: 9, y: 9 }, { x: 9, y: 9 }, 2, ON), 'same again');
  assert.equal(h.size, 1);
});

test('cancel restores the mask as it was at begin', () => {
  const m = createMask(16, 16);
  const h = new MaskHistory();
  h.begin(m);
  paintSegment(m, { x: 0, y: 0 }, { x: 16, y: 16 }, 3, ON);
  h.cancel(m);
  assert.equal(countOn(m), 0);
  assert.equal(h.canUndo, false);
});

test('history memory stays under its budget by dropping the oldest steps', () => {
  const m = createMask(256, 256);
  const budget = 512 * 1024; // four raw 256×256 before/after pairs
  const h = new MaskHistory(budget);
  for (let i = 0; i < 200; i++) {
    h.begin(m);
    // Noisy edits compress badly, so the budget really has to bite.
    for (let k = 0; k < 200; k++) m.data[(i * 7919 + k * 104729) % m.data.length] ^= ON;
    h.commit(m, fullRect(m), `noise ${i}`);
  }
  assert.ok(h.memoryBytes <= budget, `${h.memoryBytes} bytes`);
  assert.ok(h.size > 1 && h.size < 200, `${h.size} steps kept`);
  assert.equal(h.nextUndoLabel, 'noise 199');
});

test('a full-scan grow step costs far less than a raw copy', () => {
  const m = createMask(3000, 2000);
  paintSegment(m, { x: 10, y: 10 }, { x: 2900, y: 1900 }, 2, ON);
  const h = new MaskHistory();
  h.begin(m);
  h.commit(m, grow(m, 4), 'grow');
  assert.ok(h.memoryBytes < (3000 * 2000) / 20, `${h.memoryBytes} bytes for a 6 MP step`);
});

test('masks round-trip through RGBA; alpha-painted overlays and sizes are handled', () => {
  const m = createMask(5, 4);
  m.data[3] = ON;
  m.data[12] = ON;
  const rgba = maskToRgba(m);
  assert.deepEqual([...rgba.subarray(12, 16)], [255, 255, 255, 255]);
  assert.deepEqual([...rgba.subarray(0, 4)], [0, 0, 0, 255]);
  assert.deepEqual(maskFromRgba(rgba, 5, 4).data, m.data);

  // Transparent overlay with red strokes: opaque pixels are the defects.
  const overlay = new Uint8ClampedArray(5 * 4 * 4);
  overlay.set([255, 0, 0, 255], 7 * 4);
  const fromOverlay = maskFromRgba(overlay, 5, 4);
  assert.equal(countOn(fromOverlay), 1);
  assert.equal(fromOverlay.data[7], ON);
  assert.throws(() => maskFromRgba(overlay, 4, 4), RangeError);

  const big = resizeMask(m, 10, 8);
  assert.equal(countOn(big), 8);
  assert.equal(big.data[0 * 10 + 6], ON);
  assert.equal(resizeMask(m, 5, 4), m);
});
