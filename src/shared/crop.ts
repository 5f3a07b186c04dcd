/**
 * A photo's crop: the part of a scan that is the print (scanner beds leave a
 * white or black margin, a page of an album holds several prints). It is a
 * rectangle of the photo *as shown*, in whole pixels: EXIF orientation and the
 * user's quarter turn applied, so what the user drew is what gets stored, and a
 * later turn carries the rectangle round with the picture. The original file
 * is never cut.
 */
import type { Rotation } from './types.ts';

export interface Crop {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** The smallest side a crop may have: restoration works on 4-pixel latent cells and needs room for context. */
export const MIN_CROP_SIDE = 32;

/** The whole photo as shown, uncropped: stored sizes are the file's, before EXIF orientation 5–8 and the user's turn swap them. */
export function shownFrame(p: { width: number; height: number; orientation: number | null; rotation: Rotation }): Size {
  const swapped = (p.orientation ?? 1) >= 5 !== (p.rotation % 180 !== 0);
  return swapped ? { width: p.height, height: p.width } : { width: p.width, height: p.height };
}

/** What the photo shows: its crop, or the whole frame. */
export function shownSize(p: { width: number; height: number; orientation: number | null; rotation: Rotation; crop: Crop | null }): Size {
  return p.crop ? { width: p.crop.width, height: p.crop.height } : shownFrame(p);
}

/** Why `crop` cannot be a crop of a `frame`-sized photo, or null when it can. */
export function cropProblem(crop: Crop, frame: Size): string | null {
  const { left, top, width, height } = crop;
  if (![left, top, width, height].every((v) => Number.isInteger(v))) return 'a crop is given in whole pixels';
  if (left < 0 || top < 0) return 'a crop cannot start outside the photo';
  if (width < MIN_CROP_SIDE || height < MIN_CROP_SIDE) return `a crop must be at least ${MIN_CROP_SIDE} × ${MIN_CROP_SIDE} pixels`;
  if (left + width > frame.width || top + height > frame.height) {
    return `the crop (${width} × ${height} at ${left}, ${top}) runs past the photo's ${frame.width} × ${frame.height} pixels`;
  }
  return null;
}

/** True when the crop keeps the whole frame (so it is no crop at all). */
export function isWholeFrame(crop: Crop, frame: Size): boolean {
  return crop.left === 0 && crop.top === 0 && crop.width === frame.width && crop.height === frame.height;
}

/**
 * The same rectangle after the picture turns by `quarters` quarter turns clockwise (negative: anticlockwise).
 * `frame` is the size of the whole photo before the turn.
 */
export function turnCrop(crop: Crop, quarters: number, frame: Size): Crop {
  let c = crop;
  let f = frame;
  for (let q = ((quarters % 4) + 4) % 4; q > 0; q--) {
    // A quarter clockwise: the left edge becomes the top, the bottom edge becomes the left.
    c = { left: f.height - (c.top + c.height), top: c.left, width: c.height, height: c.width };
    f = { width: f.height, height: f.width };
  }
  return c;
}

/** The crop as it is stored in the library and written into media keys: `left_top_width_height`. */
export function formatCrop(c: Crop): string {
  return `${c.left}_${c.top}_${c.width}_${c.height}`;
}

export function parseCrop(text: string | null): Crop | null {
  const m = text === null ? null : /^(\d{1,6})_(\d{1,6})_(\d{1,6})_(\d{1,6})$/.exec(text);
  return m ? { left: Number(m[1]), top: Number(m[2]), width: Number(m[3]), height: Number(m[4]) } : null;
}
