import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  actualPixels,
  fitView,
  panBy,
  toImage,
  toScreen,
  visibleRect,
  zoomAt
} from '../../src/renderer/src/lib/mask/viewport.ts';

const image = { width: 4000, height: 3000 };
const view = { width: 800, height: 600 };

test('fit shows the whole image centred; small images are not enlarged', () => {
  const v = fitView(image, view);
  assert.equal(v.scale, 0.2);
  assert.deepEqual([v.x, v.y], [0, 0]);
  const small = fitView({ width: 100, height: 50 }, view);
  assert.deepEqual(small, { scale: 1, x: 350, y: 275 });
  assert.equal(fitView({ width: 100, height: 50 }, view, 2).scale, 0.5, '1:1 device pixels on a 2× screen');
});

test('zoom keeps the point under the cursor fixed and respects limits', () => {
  const v = fitView(image, view);
  const at = { x: 200, y: 150 };
  const before = toImage(v, at);
  const z = zoomAt(v, 4, at, image, view);
  const after = toImage(z, at);
  assert.ok(Math.abs(before.x - after.x) < 1e-9 && Math.abs(before.y - after.y) < 1e-9);
  assert.equal(zoomAt(v, 0.01, at, image, view).scale, 0.2, 'cannot zoom out past fit');
  assert.equal(zoomAt(v, 1e6, at, image, view).scale, 32, 'capped at 32× device pixels');
});

test('1:1 is one image pixel per device pixel, centred on the focus', () => {
  const v = actualPixels(fitView(image, view), image, view, 1, { x: 400, y: 300 });
  assert.equal(v.scale, 1);
  const centre = toImage(v, { x: 400, y: 300 });
  assert.deepEqual([centre.x, centre.y], [2000, 1500]);
  assert.equal(actualPixels(v, image, view, 2).scale, 0.5);
});

test('pan is clamped so no gap opens at the edges', () => {
  const v = actualPixels(fitView(image, view), image, view);
  const far = panBy(v, 1e6, 1e6, image, view);
  assert.deepEqual([far.x, far.y], [0, 0]);
  const other = panBy(v, -1e6, -1e6, image, view);
  assert.deepEqual([other.x, other.y], [800 - 4000, 600 - 3000]);
  const p = { x: 1234, y: 567 };
  const back = toImage(v, toScreen(v, p));
  assert.ok(Math.abs(back.x - p.x) < 1e-9 && Math.abs(back.y - p.y) < 1e-9);
});

test('visibleRect is the on-screen part of the image', () => {
  const v = actualPixels(fitView(image, view), image, view);
  assert.deepEqual(visibleRect(v, image, view), { x: 1600, y: 1200, w: 800, h: 600 });
  assert.deepEqual(visibleRect(fitView(image, view), image, view), { x: 0, y: 0, w: 4000, h: 3000 });
});
