/**
 * Pyramid detection (training/detect_pyramid.py is the reference, step for
 * step): the detector also runs on the working image halved, halved again …
 * while the short side stays at least `minSide`, and each coarser level's
 * probabilities, upsampled, add to the mask where they reach the pyramid's own
 * threshold. Inside a large blotch or tear the detector sees no edge at full
 * scale; at half or quarter scale the same defect is small enough to find.
 */

/** A grey image or probability map, row-major. */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

/** Each pixel the mean of its 2 × 2 block; an odd last row or column is dropped. */
export function halve(src: Plane): Plane {
  const width = src.width >> 1;
  const height = src.height >> 1;
  const data = new Float32Array(width * height);
  const w = src.width;
  for (let y = 0; y < height; y++) {
    const a = 2 * y * w;
    const b = a + w;
    for (let x = 0; x < width; x++) {
      const i = 2 * x;
      data[y * width + x] = (src.data[a + i]! + src.data[a + i + 1]! + src.data[b + i]! + src.data[b + i + 1]!) / 4;
    }
  }
  return { data, width, height };
}

interface Axis {
  i0: Int32Array;
  i1: Int32Array;
  t: Float32Array;
}

/** Half-pixel centres, negative positions clamped to the first pixel (PyTorch's align_corners=False). */
function axis(nIn: number, nOut: number): Axis {
  const i0 = new Int32Array(nOut);
  const i1 = new Int32Array(nOut);
  const t = new Float32Array(nOut);
  const scale = nIn / nOut;
  for (let k = 0; k < nOut; k++) {
    const s = Math.max((k + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(s), nIn - 1);
    i0[k] = lo;
    i1[k] = Math.min(lo + 1, nIn - 1);
    t[k] = s - lo;
  }
  return { i0, i1, t };
}

/** Bilinear resize to width × height. */
export function upsample(src: Plane, width: number, height: number): Plane {
  const ax = axis(src.width, width);
  const ay = axis(src.height, height);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const top = ay.i0[y]! * src.width;
    const bottom = ay.i1[y]! * src.width;
    const ty = ay.t[y]!;
    for (let x = 0; x < width; x++) {
      const x0 = ax.i0[x]!;
      const x1 = ax.i1[x]!;
      const tx = ax.t[x]!;
      const up = src.data[top + x0]! * (1 - tx) + src.data[top + x1]! * tx;
      const down = src.data[bottom + x0]! * (1 - tx) + src.data[bottom + x1]! * tx;
      data[y * width + x] = up * (1 - ty) + down * ty;
    }
  }
  return { data, width, height };
}

/** How many coarser levels a width × height image gets: each halving keeps the short side ≥ minSide. */
export function pyramidLevels(width: number, height: number, minSide: number): number {
  let n = 0;
  for (let w = width, h = height; Math.min(w >> 1, h >> 1) >= minSide; w >>= 1, h >>= 1) n++;
  return n;
}
