/**
 * A scratch mask at image resolution: one byte per pixel, 255 = defect (the
 * engine's mask value 1), 0 = keep. Pure data and functions, no DOM, so the
 * same code runs in the renderer and in node tests.
 */

/** A binary mask; `data.length === width * height`, values 0 or 255. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An axis-aligned pixel rectangle, `x + w` and `y + h` exclusive. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const ON = 255;
export const OFF = 0;

export function createMask(width: number, height: number): Mask {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`mask size must be positive whole numbers, got ${width}×${height}`);
  }
  return { width, height, data: new Uint8Array(width * height) };
}

export function cloneMask(mask: Mask): Mask {
  return { width: mask.width, height: mask.height, data: mask.data.slice() };
}

export function fullRect(mask: Mask): Rect {
  return { x: 0, y: 0, w: mask.width, h: mask.height };
}

/** Number of defect pixels. */
export function countOn(mask: Mask): number {
  let n = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== OFF) n++;
  return n;
}

/** Sets every pixel to `value`; returns the changed area (the whole mask). */
export function fillMask(mask: Mask, value: number = OFF): Rect {
  mask.data.fill(value);
  return fullRect(mask);
}

/** The smallest rectangle covering both (either may be null). */
export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** `r` clipped to the mask; null when nothing is left. */
export function clipRect(mask: Mask, r: Rect): Rect | null {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(mask.width, Math.ceil(r.x + r.w));
  const y1 = Math.min(mask.height, Math.ceil(r.y + r.h));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

/** Copies the pixels of `r` out of `data` (a mask-sized buffer). */
export function readRect(mask: Mask, r: Rect, data: Uint8Array = mask.data): Uint8Array {
  const out = new Uint8Array(r.w * r.h);
  for (let row = 0; row < r.h; row++) {
    const start = (r.y + row) * mask.width + r.x;
    out.set(data.subarray(start, start + r.w), row * r.w);
  }
  return out;
}

/** Writes `pixels` (from `readRect`) back into `r`. */
export function writeRect(mask: Mask, r: Rect, pixels: Uint8Array): void {
  for (let row = 0; row < r.h; row++) {
    mask.data.set(pixels.subarray(row * r.w, (row + 1) * r.w), (r.y + row) * mask.width + r.x);
  }
}
