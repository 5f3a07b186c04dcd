/**
 * A photo's crop: the part of a scan that is the print (scanner beds leave a
 * white or black margin, a page of an album holds several prints). It is a
 * rectangle of the photo *as shown*, in whole pixels: EXIF orientation, the
 * user's quarter turn and straightening (a small tilt, for a print laid crooked
 * on the glass) applied, so what the user drew is what gets stored, and a later
 * turn carries the rectangle round with the picture. The original file is
 * never cut.
 */
import type { Rotation } from './types.ts';

export interface Crop {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What Find print answers: the tilt that levels the print, and its crop in the frame that tilt leaves. */
export interface FoundPrint {
  tilt: number;
  crop: Crop;
}

export interface Size {
  width: number;
  height: number;
}

/** The smallest side a crop may have: restoration works on 4-pixel latent cells and needs room for context. */
export const MIN_CROP_SIDE = 32;

/**
 * The steepest straightening the crop tool offers, either way: a print laid crooked on the glass, not a sideways one.
 */
export const MAX_TILT = 15;

/**
 * The photo upright and turned, before straightening: stored sizes are the
 * file's, which EXIF orientation 5–8 and a quarter turn swap.
 */
export function turnedSize(p: { width: number; height: number; orientation: number | null; rotation: Rotation }): Size {
  const swapped = (p.orientation ?? 1) >= 5 !== (p.rotation % 180 !== 0);
  return swapped ? { width: p.height, height: p.width } : { width: p.width, height: p.height };
}

/**
 * The size of the picture a `size` picture becomes when turned by `tilt` degrees: its bounding box, as sharp makes it.
 */
export function tiltedBounds(size: Size, tilt: number): Size {
  const r = (tilt * Math.PI) / 180;
  const c = Math.abs(Math.cos(r));
  const s = Math.abs(Math.sin(r));
  return { width: Math.round(size.width * c + size.height * s), height: Math.round(size.width * s + size.height * c) };
}

/**
 * What is left of a `size` picture straightened by `tilt` degrees: the largest rectangle of its shape, centred,
 * that holds no corner of the background the turn brings in. A pixel in from each side, so that a rounding of the
 * turned picture's size by a pixel never lets background in.
 */
export function straightened(size: Size, tilt: number): Size {
  if (tilt === 0) return size;
  const r = (Math.abs(tilt) * Math.PI) / 180;
  const c = Math.cos(r);
  const s = Math.sin(r);
  const k = Math.min(size.width / (size.width * c + size.height * s), size.height / (size.width * s + size.height * c));
  return { width: Math.max(1, Math.floor(k * size.width) - 2), height: Math.max(1, Math.floor(k * size.height) - 2) };
}

/** Where the straightened frame sits in the tilted picture (centred). */
export function straightenedOffset(size: Size, tilt: number): { left: number; top: number } {
  const bounds = tiltedBounds(size, tilt);
  const frame = straightened(size, tilt);
  return { left: Math.floor((bounds.width - frame.width) / 2), top: Math.floor((bounds.height - frame.height) / 2) };
}

/** The whole photo as shown, uncropped: upright, turned and straightened. */
export function shownFrame(p: {
  width: number;
  height: number;
  orientation: number | null;
  rotation: Rotation;
  tilt: number;
}): Size {
  return straightened(turnedSize(p), p.tilt);
}

/** What the photo shows: its crop, or the whole frame. */
export function shownSize(p: {
  width: number;
  height: number;
  orientation: number | null;
  rotation: Rotation;
  tilt: number;
  crop: Crop | null;
}): Size {
  return p.crop ? { width: p.crop.width, height: p.crop.height } : shownFrame(p);
}

/**
 * A crop of one frame carried into another of a different size (the frame a
 * new straightening leaves): same place, in proportion.
 */
export function rescaleCrop(crop: Crop, from: Size, to: Size): Crop {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  const side = Math.min(MIN_CROP_SIDE, to.width, to.height);
  const width = Math.min(to.width, Math.max(side, Math.round(crop.width * sx)));
  const height = Math.min(to.height, Math.max(side, Math.round(crop.height * sy)));
  return {
    left: Math.min(to.width - width, Math.max(0, Math.round(crop.left * sx))),
    top: Math.min(to.height - height, Math.max(0, Math.round(crop.top * sy))),
    width,
    height
  };
}

/** A tilt as the library keeps it: degrees to a tenth, within the tool's range. */
export function normalizeTilt(tilt: number): number {
  return Math.round(Math.max(-MAX_TILT, Math.min(MAX_TILT, tilt)) * 10) / 10 || 0;
}

/** Why `crop` cannot be a crop of a `frame`-sized photo, or null when it can. */
export function cropProblem(crop: Crop, frame: Size): string | null {
  const { left, top, width, height } = crop;
  if (![left, top, width, height].every((v) => Number.isInteger(v))) return 'a crop is given in whole pixels';
  if (left < 0 || top < 0) return 'a crop cannot start outside the photo';
  if (width < MIN_CROP_SIDE || height < MIN_CROP_SIDE)
    return `a crop must be at least ${MIN_CROP_SIDE} × ${MIN_CROP_SIDE} pixels`;
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
