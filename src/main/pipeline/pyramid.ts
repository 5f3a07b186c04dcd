/**
 * Pyramid detection (training/detect_pyramid.py is the reference, step for
 * step): the detector also runs on the working image halved, halved again …
 * while the short side stays at least `minSide`, and each coarser level's
 * probabilities, upsampled, add to the mask where they reach the pyramid's own
 * threshold, in pieces of at least `minArea` px. Inside a large blotch or tear
 * the detector sees no edge at full scale; at half or quarter scale the same
 * defect is small enough to find. (Small coarse pieces are mostly texture read
 * as dust, and full scale finds small defects better.)
 */

/** A grey image or probability map, row-major. */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

/** The plane flipped upside down (`rows`) and/or left to right (`cols`); its own inverse. */
export function mirror(src: Plane, rows: boolean, cols: boolean): Plane {
  const { width, height } = src;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (rows ? height - 1 - y : y) * width;
    const to = y * width;
    if (!cols) data.set(src.data.subarray(from, from + width), to);
    else for (let x = 0; x < width; x++) data[to + x] = src.data[from + width - 1 - x]!;
  }
  return { data, width, height };
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

/** Keeps the 8-connected pieces of a 0/1 mask that have at least `minArea` pixels (in place; returns it). */
export function keepLargePieces(mask: Uint8Array, width: number, height: number, minArea: number): Uint8Array {
  if (minArea <= 1) return mask;
  const seen = new Uint8Array(mask.length);
  const piece = new Int32Array(mask.length);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    // flood fill with the piece array as the stack: every pixel of the piece is listed once
    let n = 0;
    let next = 0;
    piece[n++] = start;
    seen[start] = 1;
    while (next < n) {
      const i = piece[next++]!;
      const y = (i / width) | 0;
      const x = i - y * width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            piece[n++] = j;
          }
        }
      }
    }
    if (n < minArea) for (let k = 0; k < n; k++) mask[piece[k]!] = 0;
  }
  return mask;
}
