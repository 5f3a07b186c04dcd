/**
 * IEEE half floats for the full-image latent. With the detail band the latent
 * has 80 channels at ¼ resolution: 20 bytes per photo pixel as float32, 480 MB
 * for a 24 MP scan, which alone pushed the runner past its 1.5 GB budget and
 * doubled every version's cache on disk. Held as halves it is 240 MB; the
 * networks still run in float32 (tiles are widened on the way in). The band
 * holds pixels in [-1, 1], where a half is exact to 2.4e-4 (0.03 of an 8-bit
 * level). Node 20 has no Float16Array, hence the bit conversions here.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const MAX_HALF = 0x7bff; // 65504: larger values saturate rather than become infinities

/** float32 → half bits, rounding to nearest even; NaN stays NaN. */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return mant ? sign | 0x7e00 : sign | MAX_HALF;
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | MAX_HALF;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // a carry into the exponent is the right result
  return sign | Math.min(h, MAX_HALF);
}

/** Every half's float32 value: a table read is the fast way back. */
export const HALF_TO_FLOAT = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) table[h] = sign * mant * 2 ** -24;
    else if (exp === 0x1f) table[h] = mant ? NaN : sign * Infinity;
    else table[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return table;
})();

/** Writes `src` as halves into `dst` from `at`. */
export function packHalf(src: Float32Array, dst: Uint16Array, at: number): void {
  for (let i = 0; i < src.length; i++) dst[at + i] = toHalf(src[i]!);
}

/** Widens `count` halves of `src` from `from` into `dst` from `at`. */
export function unpackHalf(src: Uint16Array, from: number, count: number, dst: Float32Array, at: number): void {
  for (let i = 0; i < count; i++) dst[at + i] = HALF_TO_FLOAT[src[from + i]!]!;
}
