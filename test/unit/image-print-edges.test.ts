/**
 * Finding the print inside a scan's even margin, on generated scans: lids white or black, dust, a print against the
 * glass's corner, and photos with no margin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundsToCrop, findPrintBounds, findPrintSkew } from '../../src/main/image/print-edges.ts';

/** A deterministic pseudo-random sequence, so each scan is the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** A w × h RGB scan: a margin of `lid` (± noise) with a textured print at `print` (right/bottom exclusive). */
function scan(
  w: number,
  h: number,
  lid: number,
  print: { left: number; top: number; right: number; bottom: number } | null,
  seed = 1
): Uint8Array {
  const r = rng(seed);
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inside = print !== null && x >= print.left && x < print.right && y >= print.top && y < print.bottom;
      for (let c = 0; c < 3; c++) {
        // The print: smooth shapes in mid tones with grain, nothing like an even margin.
        const v = inside
          ? 60 + 80 * (0.5 + 0.5 * Math.sin(x / 7 + c) * Math.cos(y / 11)) + 40 * r()
          : lid + (r() - 0.5) * 10;
        px[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  return px;
}

test('the print is found inside a white lid margin, to the pixel', () => {
  const print = { left: 31, top: 22, right: 271, bottom: 190 };
  assert.deepEqual(findPrintBounds(scan(300, 220, 245, print), 300, 220, 3), print);
});

test('inside a black margin too, and dust on the margin does not stop it', () => {
  const print = { left: 12, top: 40, right: 180, bottom: 150 };
  const px = scan(200, 170, 12, print, 2);
  const r = rng(9);
  // 60 white specks of dust on the margin.
  for (let k = 0; k < 60; k++) {
    const x = Math.floor(r() * 200);
    const y = Math.floor(r() * 30);
    px.fill(250, (y * 200 + x) * 3, (y * 200 + x) * 3 + 3);
  }
  assert.deepEqual(findPrintBounds(px, 200, 170, 3), print);
});

test('a print laid against the corner of the glass has margin on two sides only', () => {
  const print = { left: 0, top: 0, right: 220, bottom: 150 };
  assert.deepEqual(findPrintBounds(scan(260, 200, 240, print, 3), 260, 200, 3), print);
});

test('a photo without an even margin, or with nothing but margin, gives no suggestion', () => {
  assert.equal(
    findPrintBounds(scan(200, 150, 0, { left: 0, top: 0, right: 200, bottom: 150 }, 4), 200, 150, 3),
    null,
    'all print'
  );
  assert.equal(findPrintBounds(scan(200, 150, 128, null, 5), 200, 150, 3), null, 'all margin');
  assert.equal(
    findPrintBounds(scan(200, 150, 240, { left: 90, top: 70, right: 110, bottom: 80 }, 6), 200, 150, 3),
    null,
    'a speck is no print'
  );
  // An even sky along the top only: one even side is not a margin.
  assert.equal(
    findPrintBounds(scan(200, 150, 200, { left: 0, top: 40, right: 200, bottom: 150 }, 7), 200, 150, 3),
    null,
    'sky'
  );
});

test('small-copy bounds become a crop of the full photo, stepping in past the soft edge only where there was margin', () => {
  const crop = boundsToCrop(
    { left: 10, top: 0, right: 390, bottom: 290 },
    { width: 400, height: 300 },
    { width: 4000, height: 3000 }
  );
  assert.deepEqual(crop, { left: 110, top: 0, width: 3890 - 110, height: 2890 });
  assert.equal(
    boundsToCrop(
      { left: 10, top: 10, right: 12, bottom: 12 },
      { width: 400, height: 300 },
      { width: 4000, height: 3000 }
    ),
    null
  );
});

/** A scan of a print turned `deg` clockwise about its centre (cx, cy), pw × ph, on a lid of `lid`. */
function crooked(
  w: number,
  h: number,
  lid: number,
  deg: number,
  cx: number,
  cy: number,
  pw: number,
  ph: number
): Uint8Array {
  const r = rng(11);
  const px = new Uint8Array(w * h * 3);
  const a = (-deg * Math.PI) / 180;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      // Turn the pixel back by the print's turn: inside the unturned print means inside the turned one.
      const u = (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a);
      const v = (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a);
      const inside = Math.abs(u) < pw / 2 && Math.abs(v) < ph / 2;
      for (let c = 0; c < 3; c++) {
        const val = inside ? 50 + 90 * (0.5 + 0.5 * Math.sin(u / 6 + c)) + 30 * r() : lid + (r() - 0.5) * 10;
        px[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(val)));
      }
    }
  return px;
}

test('how crooked a print lies is read from its edges, either way, to a few tenths of a degree', () => {
  for (const deg of [3, -2, 7.5, 0]) {
    const skew = findPrintSkew(crooked(400, 300, 240, deg, 200, 150, 280, 190), 400, 300, 3);
    assert.ok(skew !== null && Math.abs(skew - deg) <= 0.3, `${deg}°: read ${skew}`);
  }
  // Against the glass's corner (margin right and below only), on a black lid.
  const corner = findPrintSkew(crooked(400, 300, 10, -4, 150, 110, 280, 190), 400, 300, 3);
  assert.ok(corner !== null && Math.abs(corner + 4) <= 0.4, `corner: read ${corner}`);
  assert.equal(
    findPrintSkew(scan(200, 150, 0, { left: 0, top: 0, right: 200, bottom: 150 }, 4), 200, 150, 3),
    null,
    'no margin, no skew'
  );
});

test('an even sky along two sides that meets a skyline is picture, not a margin around a print', () => {
  // Pale sky over the top and down the left, buildings of uneven height along the bottom right.
  const w = 300;
  const h = 200;
  const r = rng(21);
  const px = new Uint8Array(w * h * 3);
  for (let x = 0; x < w; x++) {
    const roof = x < 60 ? h : 60 + Math.round(50 * Math.abs(Math.sin(x / 9)) + 30 * r());
    for (let y = 0; y < h; y++) {
      const building = y >= roof;
      for (let c = 0; c < 3; c++)
        px[(y * w + x) * 3 + c] = building ? 40 + Math.round(120 * r()) : 236 + Math.round(6 * r());
    }
  }
  assert.equal(findPrintBounds(px, w, h, 3), null);
  assert.equal(findPrintSkew(px, w, h, 3), null);
});
