/**
 * Tile plans and feathered blending. Along each axis tiles overlap; inside an
 * overlap the outgoing tile fades out and the incoming one fades in with
 * complementary cosine ramps, after a dead margin at each tile edge (where
 * zero padding inside the network makes the output least like a whole-image
 * run). Weights are separable and normalised per axis, so the 2-D weights of
 * all tiles sum to exactly 1 at every pixel and blending needs no weight image.
 */

/** Tiles along one axis. */
export interface AxisPlan {
  length: number;
  size: number;
  starts: number[];
  /** Per tile, `size` weights; summed over tiles they are 1 at every position. */
  weights: Float32Array[];
}

/** Rounds `n` down to a multiple of `m` (at least `m`). */
export function floorTo(n: number, m: number): number {
  return Math.max(m, Math.floor(n / m) * m);
}

export function ceilTo(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/**
 * Plans tiles of `tile` (a multiple of `multiple`, no larger than `length`)
 * with at least `overlap` shared between neighbours. `length` must be a multiple of `multiple`.
 */
export function planAxis(length: number, tile: number, overlap: number, multiple: number): AxisPlan {
  const size = Math.min(floorTo(tile, multiple), length);
  const ov = Math.min(overlap, Math.floor(size / 2));
  const step = Math.max(multiple, floorTo(size - ov, multiple));
  const starts: number[] = [];
  for (let s = 0; ; s += step) {
    if (s + size >= length) {
      starts.push(Math.max(0, length - size));
      break;
    }
    starts.push(s);
  }
  return { length, size, starts, weights: axisWeights(length, size, starts) };
}

/** Ramped weights per tile, normalised so that they sum to 1 at every position. */
function axisWeights(length: number, size: number, starts: number[]): Float32Array[] {
  const raw = starts.map((start, i) => {
    const w = new Float32Array(size).fill(1);
    if (i > 0) ramp(w, starts[i - 1]! + size - start, true);
    if (i < starts.length - 1) ramp(w, start + size - starts[i + 1]!, false);
    return w;
  });
  const sum = new Float32Array(length);
  raw.forEach((w, i) => w.forEach((v, k) => (sum[starts[i]! + k]! += v)));
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!;
    for (let k = 0; k < size; k++) {
      const total = sum[starts[i]! + k]!;
      w[k] = total > 0 ? w[k]! / total : 0;
    }
  }
  return raw;
}

/** Feathers `shared` edge positions: a dead margin of a quarter, then a cosine ramp. */
function ramp(w: Float32Array, shared: number, rising: boolean): void {
  if (shared <= 0) return;
  const margin = Math.floor(shared / 4);
  const span = shared - 2 * margin;
  for (let k = 0; k < shared; k++) {
    const t = span > 0 ? Math.min(1, Math.max(0, (k - margin + 0.5) / span)) : k >= shared / 2 ? 1 : 0;
    const v = 0.5 - 0.5 * Math.cos(Math.PI * t);
    if (rising) w[k] = Math.min(w[k]!, v);
    else w[w.length - 1 - k] = Math.min(w[w.length - 1 - k]!, v);
  }
}

/** Scales a plan by an integer factor (latent plan → image plan): same tiles, weights recomputed at the finer scale. */
export function scalePlan(plan: AxisPlan, factor: number): AxisPlan {
  const length = plan.length * factor;
  const size = plan.size * factor;
  const starts = plan.starts.map((s) => s * factor);
  return { length, size, starts, weights: axisWeights(length, size, starts) };
}

/**
 * Accumulates weighted tiles (planar, `channels` × rows) into a strip of rows
 * and hands finished rows to `flush` in order, so a full-size float image is
 * never held: tiles must arrive row of tiles by row of tiles, top to bottom.
 */
export class StripBlender {
  private strip: Float32Array;
  private base = 0;

  constructor(
    readonly channels: number,
    readonly width: number,
    readonly height: number,
    readonly stripRows: number,
    /** Receives `rows` finished rows starting at image row `y0`, planar [c][row][x]. */
    private readonly flush: (y0: number, rows: number, data: Float32Array) => void
  ) {
    this.strip = new Float32Array(channels * stripRows * width);
  }

  /** Adds a tile at (y0, x0) of `th`×`tw` planar values with separable weights. */
  add(tile: Float32Array, y0: number, x0: number, th: number, tw: number, wy: Float32Array, wx: Float32Array): void {
    // A loop, not a single step: a partial run may skip whole rows of tiles.
    while (y0 > this.base) this.advance(y0);
    const { width, stripRows } = this;
    for (let c = 0; c < this.channels; c++) {
      for (let y = 0; y < th; y++) {
        const row = (c * stripRows + (y0 - this.base + y)) * width + x0;
        const src = (c * th + y) * tw;
        const a = wy[y]!;
        for (let x = 0; x < tw; x++) this.strip[row + x]! += tile[src + x]! * a * wx[x]!;
      }
    }
  }

  /** Flushes rows before `y` and slides the rest of the strip up. */
  private advance(y: number): void {
    const done = Math.min(y - this.base, this.stripRows);
    this.emit(done);
    const { width, stripRows } = this;
    for (let c = 0; c < this.channels; c++) {
      const off = c * stripRows * width;
      this.strip.copyWithin(off, off + done * width, off + stripRows * width);
      this.strip.fill(0, off + (stripRows - done) * width, off + stripRows * width);
    }
    this.base += done;
  }

  private emit(rows: number): void {
    if (rows <= 0) return;
    const { width, stripRows } = this;
    const out = new Float32Array(this.channels * rows * width);
    for (let c = 0; c < this.channels; c++)
      out.set(this.strip.subarray(c * stripRows * width, (c * stripRows + rows) * width), c * rows * width);
    this.flush(this.base, rows, out);
  }

  /** Flushes everything left. */
  finish(): void {
    this.emit(Math.min(this.stripRows, this.height - this.base));
    this.base = this.height;
  }
}

/** Mirror index into [0, n): reflection padding without a padded copy. */
export function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}
