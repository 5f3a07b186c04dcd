/**
 * The crop tool's geometry, in the photo's pixels: dragging an edge, a corner
 * or the whole rectangle, nudging with the keyboard, always inside the photo
 * and never smaller than the engine accepts. Pure, so it is unit-tested.
 */
import { type Crop, MIN_CROP_SIDE, type Size } from '../../../../shared/crop.ts';

/** What is being dragged: the rectangle, or the edges a handle names (n, s, e, w and the corners). */
export type Grip = 'move' | 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';
export const GRIPS: Grip[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** `start` dragged by (dx, dy) photo pixels at `grip`, rounded to whole pixels and kept valid. */
export function dragCrop(start: Crop, grip: Grip, dx: number, dy: number, frame: Size): Crop {
  const min = Math.min(MIN_CROP_SIDE, frame.width, frame.height);
  if (grip === 'move') {
    return {
      ...start,
      left: Math.round(clamp(start.left + dx, 0, frame.width - start.width)),
      top: Math.round(clamp(start.top + dy, 0, frame.height - start.height))
    };
  }
  let left = start.left;
  let top = start.top;
  let right = start.left + start.width;
  let bottom = start.top + start.height;
  if (grip.includes('w')) left = clamp(left + dx, 0, right - min);
  if (grip.includes('e')) right = clamp(right + dx, left + min, frame.width);
  if (grip.includes('n')) top = clamp(top + dy, 0, bottom - min);
  if (grip.includes('s')) bottom = clamp(bottom + dy, top + min, frame.height);
  const l = Math.round(left);
  const t = Math.round(top);
  return { left: l, top: t, width: Math.round(right) - l, height: Math.round(bottom) - t };
}

/** The smallest crop with its top-left corner at (x, y), moved in where it would run past the photo. */
export function cropAt(x: number, y: number, frame: Size): Crop {
  const side = Math.min(MIN_CROP_SIDE, frame.width, frame.height);
  return { left: Math.round(clamp(x, 0, frame.width - side)), top: Math.round(clamp(y, 0, frame.height - side)), width: side, height: side };
}

/** The whole photo as a crop (the tool starts there when the photo has none). */
export const wholeFrame = (frame: Size): Crop => ({ left: 0, top: 0, width: frame.width, height: frame.height });

/** The crop as fractions of the frame, for placing it over the picture at any scale. */
export function cropPercent(c: Crop, frame: Size): { left: number; top: number; width: number; height: number } {
  return { left: (100 * c.left) / frame.width, top: (100 * c.top) / frame.height, width: (100 * c.width) / frame.width, height: (100 * c.height) / frame.height };
}
