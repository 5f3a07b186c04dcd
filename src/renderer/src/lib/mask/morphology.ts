/**
 * Grow (dilate) and shrink (erode) a mask by a Euclidean radius: a pixel is on
 * after growing when an on pixel lies within `radius` of it (a round brush, not
 * the square a 3×3 kernel repeated would give). Linear time in the number of
 * pixels whatever the radius, via an exact squared distance transform (row
 * scans, then the lower-envelope pass of Felzenszwalb & Huttenlocher per
 * column), so it stays usable on full-resolution scans.
 */
import { fullRect, OFF, ON, type Mask, type Rect } from './mask.ts';

const FAR = 1e20;

/**
 * Squared distance from every pixel to the nearest pixel whose "on-ness"
 * equals `target` (on = value !== 0).
 */
function squaredDistance(mask: Mask, target: boolean): Float32Array {
  const { width, height, data } = mask;
  const dist = new Float32Array(width * height);
  // Rows: distance to the nearest target pixel in the same row.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let last = -Infinity;
    for (let x = 0; x < width; x++) {
      if ((data[row + x] !== OFF) === target) last = x;
      dist[row + x] = x - last;
    }
    last = Infinity;
    for (let x = width - 1; x >= 0; x--) {
      if ((data[row + x] !== OFF) === target) last = x;
      const d = Math.min(dist[row + x], last - x);
      dist[row + x] = Number.isFinite(d) ? d * d : FAR;
    }
  }
  // Columns: lower envelope of parabolas (y - q)² + f(q).
  const f = new Float64Array(height);
  const v = new Int32Array(height);
  const z = new Float64Array(height + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = dist[y * width + x];
    let k = 0;
    v[0] = 0;
    z[0] = -Infinity;
    z[1] = Infinity;
    for (let q = 1; q < height; q++) {
      let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      while (s <= z[k]) {
        k--;
        s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    k = 0;
    for (let q = 0; q < height; q++) {
      while (z[k + 1] < q) k++;
      const d = q - v[k];
      dist[q * width + x] = d * d + f[v[k]];
    }
  }
  return dist;
}

/** Turns on every pixel within `radius` of an on pixel. Returns the changed area (whole mask). */
export function grow(mask: Mask, radius: number): Rect {
  return setNear(mask, radius, ON);
}

/**
 * Turns off every pixel within `radius` of an off pixel. The image border does
 * not count as off, so defects touching the edge are not eaten from outside.
 */
export function shrink(mask: Mask, radius: number): Rect {
  return setNear(mask, radius, OFF);
}

/** Sets to `value` every pixel within `radius` of a pixel that has it already. */
function setNear(mask: Mask, radius: number, value: typeof ON | typeof OFF): Rect {
  if (radius > 0) {
    const d = squaredDistance(mask, value === ON);
    const r2 = radius * radius;
    for (let i = 0; i < d.length; i++) if (d[i] <= r2) mask.data[i] = value;
  }
  return fullRect(mask);
}
