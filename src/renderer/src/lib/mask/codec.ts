/**
 * Mask ↔ RGBA pixels, the pure half of PNG import/export (the canvas half is
 * in `png.ts`). Exported masks are opaque greyscale: white = defect, black =
 * keep, the convention of the engine's `--save-mask` PNGs and of IOPaint.
 */
import { createMask, OFF, ON, type Mask } from './mask.ts';

/** RGBA bytes (as in ImageData) for a mask. */
export function maskToRgba(mask: Mask): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let i = 0, j = 0; i < mask.data.length; i++, j += 4) {
    const v = mask.data[i] !== OFF ? 255 : 0;
    rgba[j] = v;
    rgba[j + 1] = v;
    rgba[j + 2] = v;
    rgba[j + 3] = 255;
  }
  return rgba;
}

/**
 * A mask from RGBA bytes: a pixel is a defect when it is bright and opaque
 * (luma ≥ 128 and alpha ≥ 128). A transparent PNG with painted strokes (alpha
 * only) also works: then opaque pixels count, whatever their colour.
 */
export function maskFromRgba(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Mask {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`expected ${width * height * 4} RGBA bytes for ${width}×${height}, got ${rgba.length}`);
  }
  const mask = createMask(width, height);
  let transparent = 0;
  for (let j = 3; j < rgba.length; j += 4) if (rgba[j] < 128) transparent++;
  // Mostly transparent: an alpha-painted overlay; otherwise a black/white mask.
  const alphaOnly = transparent > (width * height) / 2;
  for (let i = 0, j = 0; i < mask.data.length; i++, j += 4) {
    const opaque = rgba[j + 3] >= 128;
    const luma = 0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2];
    mask.data[i] = opaque && (alphaOnly || luma >= 128) ? ON : OFF;
  }
  return mask;
}

/** Nearest-neighbour resize, for a mask PNG whose size differs from the photo's (e.g. made on a preview). */
export function resizeMask(mask: Mask, width: number, height: number): Mask {
  if (mask.width === width && mask.height === height) return mask;
  const out = createMask(width, height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width));
      out.data[y * width + x] = mask.data[sy * mask.width + sx];
    }
  }
  return out;
}
