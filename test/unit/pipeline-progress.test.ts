import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plannedStages, ProgressTracker } from '../../src/main/jobs/progress.ts';
import { covered, selectTiles, tilesTouching } from '../../src/main/pipeline/incremental.ts';
import { looksGrey } from '../../src/main/pipeline/image-io.ts';
import type { Geometry } from '../../src/main/pipeline/stages.ts';
import { planAxis } from '../../src/main/pipeline/tiling.ts';

test('job progress weighs stages and tiles and only counts planned stages', () => {
  assert.deepEqual(plannedStages('rerun', 'auto', false), ['map', 'decode']);
  assert.deepEqual(plannedStages('restore', 'off', false), ['encode', 'map', 'decode']);
  assert.deepEqual(plannedStages('restore', 'auto', false), ['detect', 'encode', 'map', 'decode']);
  const p = new ProgressTracker(['map', 'decode']);
  assert.equal(p.fraction, 0);
  assert.equal(p.etaSeconds, null);
  p.update({ type: 'stage', stage: 'map', phase: 'start' });
  p.update({ type: 'tile', stage: 'map', tile: 1, tiles: 2 });
  assert.ok(Math.abs(p.fraction - 0.075 / 0.6) < 1e-9);
  p.update({ type: 'stage', stage: 'map', phase: 'end', seconds: 1 });
  p.update({ type: 'tile', stage: 'decode', tile: 4, tiles: 4 });
  assert.equal(p.fraction, 1);
  assert.equal(p.stage, 'decode');
  assert.ok(p.etaSeconds !== null && p.etaSeconds < 0.01);
});

function geometry(latH: number, latW: number, tile: number, overlap: number): Geometry {
  return {
    width: latW * 4,
    height: latH * 4,
    latH,
    latW,
    channels: 1,
    planY: planAxis(latH, tile, overlap, 1),
    planX: planAxis(latW, tile, overlap, 1)
  };
}

test('a mask edit selects the tiles it touches, their blending neighbours, and the cells to replace', () => {
  const g = geometry(40, 40, 16, 4); // starts 0, 12, 24 on each axis: 3×3 tiles
  assert.deepEqual(g.planX.starts, [0, 12, 24]);
  const changed = new Uint8Array(40 * 40);
  changed[2 * 40 + 2] = 1; // only in the top-left tile
  const sel = selectTiles(g, changed);
  assert.equal(sel.dirty, 1);
  // The top-left tile's cells (0..15) are recomputed; tiles overlapping them must run too.
  assert.equal(sel.fresh[15 * 40 + 15], 1);
  assert.equal(sel.fresh[16 * 40 + 16], 0);
  assert.deepEqual(sel.run, [true, true, false, true, true, false, false, false, false]);
  assert.deepEqual(tilesTouching(g, new Uint8Array(1600)), new Array(9).fill(false));
  assert.equal(
    covered(g, new Array(9).fill(true)).every((v) => v === 1),
    true
  );
});

test('RGB pixels count as grey only when the channels agree up to noise', () => {
  assert.equal(looksGrey(new Uint8Array([10, 11, 10, 200, 199, 201]), 1), true);
  assert.equal(looksGrey(new Uint8Array([10, 40, 10, 200, 199, 201]), 1), false);
  assert.equal(looksGrey(new Uint16Array([1000, 1000 + 257, 1000]), 257), true);
});
