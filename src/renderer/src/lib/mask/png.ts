/**
 * Mask PNG import/export through a canvas (browser/renderer only). Imported
 * PNGs of another size are scaled to the photo with nearest-neighbour, so a
 * mask made on a preview still lines up.
 */
import { maskFromRgba, maskToRgba, resizeMask } from './codec.ts';
import type { Mask } from './mask.ts';

function canvas2d(
  width: number,
  height: number
): {
  ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
  toBlob(): Promise<Blob>;
} {
  if (typeof OffscreenCanvas !== 'undefined') {
    const c = new OffscreenCanvas(width, height);
    const ctx = c.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser cannot create a 2D canvas');
    return { ctx, toBlob: () => c.convertToBlob({ type: 'image/png' }) };
  }
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser cannot create a 2D canvas');
  return {
    ctx,
    toBlob: () =>
      new Promise((resolve, reject) =>
        c.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the mask as PNG'))), 'image/png')
      )
  };
}

/** The mask as an opaque black/white PNG (white = defect). */
export async function maskToPngBlob(mask: Mask): Promise<Blob> {
  const { ctx, toBlob } = canvas2d(mask.width, mask.height);
  ctx.putImageData(new ImageData(maskToRgba(mask) as Uint8ClampedArray<ArrayBuffer>, mask.width, mask.height), 0, 0);
  return toBlob();
}

/** Reads a mask PNG (or any image the browser decodes) and fits it to width × height. */
export async function maskFromImageBlob(blob: Blob, width: number, height: number): Promise<Mask> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new Error('that file is not an image this app can read as a mask (use a PNG)');
  }
  try {
    const { ctx } = canvas2d(bitmap.width, bitmap.height);
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return resizeMask(maskFromRgba(data, bitmap.width, bitmap.height), width, height);
  } finally {
    bitmap.close();
  }
}

/** Loads a mask from a URL (the engine's detected mask). */
export async function maskFromUrl(url: string, width: number, height: number): Promise<Mask> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load the mask (${res.status})`);
  return maskFromImageBlob(await res.blob(), width, height);
}
