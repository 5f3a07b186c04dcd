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

/** Aspect ratios the crop tool offers, width to height of a landscape print (a portrait one is the inverse). */
export const ASPECTS = [
  { label: '1:1', ratio: 1 },
  { label: '5:4', ratio: 5 / 4 },
  { label: '4:3', ratio: 4 / 3 },
  { label: '7:5', ratio: 7 / 5 },
  { label: '3:2', ratio: 3 / 2 },
  { label: '16:9', ratio: 16 / 9 }
] as const;

/** The largest crop of `ratio` (width / height) centred in `crop`. */
export function fitAspect(crop: Crop, ratio: number): Crop {
  const width = Math.min(crop.width, Math.round(crop.height * ratio));
  const height = Math.min(crop.height, Math.round(width / ratio));
  return {
    left: crop.left + Math.floor((crop.width - width) / 2),
    top: crop.top + Math.floor((crop.height - height) / 2),
    width,
    height
  };
}

/**
 * `start` (of shape `ratio`) dragged at an edge or corner with its shape kept: the opposite corner, or the
 * opposite edge's middle, stays put; the size follows the pointer's larger movement, within the photo and
 * never below the smallest crop.
 */
export function dragCropAspect(
  start: Crop,
  grip: Exclude<Grip, 'move'>,
  dx: number,
  dy: number,
  frame: Size,
  ratio: number
): Crop {
  const min = Math.min(MIN_CROP_SIDE, frame.width, frame.height);
  const minWidth = ratio >= 1 ? min * ratio : min;
  const sx = grip.includes('e') ? 1 : grip.includes('w') ? -1 : 0;
  const sy = grip.includes('s') ? 1 : grip.includes('n') ? -1 : 0;
  // The fixed point: the opposite corner, or the middle of the opposite edge.
  const ax = sx > 0 ? start.left : sx < 0 ? start.left + start.width : start.left + start.width / 2;
  const ay = sy > 0 ? start.top : sy < 0 ? start.top + start.height : start.top + start.height / 2;
  const byX = start.width + sx * dx;
  const byY = (start.height + sy * dy) * ratio;
  let width = sy === 0 ? byX : sx === 0 ? byY : Math.abs(byX - start.width) >= Math.abs(byY - start.width) ? byX : byY;
  const roomX = sx > 0 ? frame.width - ax : sx < 0 ? ax : 2 * Math.min(ax, frame.width - ax);
  const roomY = sy > 0 ? frame.height - ay : sy < 0 ? ay : 2 * Math.min(ay, frame.height - ay);
  width = clamp(width, Math.min(minWidth, roomX, roomY * ratio), Math.min(roomX, roomY * ratio));
  const height = width / ratio;
  const left = sx > 0 ? ax : sx < 0 ? ax - width : ax - width / 2;
  const top = sy > 0 ? ay : sy < 0 ? ay - height : ay - height / 2;
  const w = Math.round(width);
  const h = Math.round(height);
  return {
    left: Math.round(clamp(left, 0, frame.width - w)),
    top: Math.round(clamp(top, 0, frame.height - h)),
    width: w,
    height: h
  };
}

/**
 * A crop of shape `ratio` about the middle of `crop`, about as long as it on its long side (for a shape turned a
 * quarter, 3:2 to 2:3): no larger than the photo allows, no smaller than the smallest crop, inside the photo.
 */
export function turnedShape(crop: Crop, ratio: number, frame: Size): Crop {
  const whole = fitAspect(wholeFrame(frame), ratio);
  const long = Math.max(whole.width, whole.height);
  const short = Math.min(whole.width, whole.height);
  const k = Math.min(1, Math.max(Math.max(crop.width, crop.height) / long, MIN_CROP_SIDE / short));
  const width = Math.round(whole.width * k);
  const height = Math.round(whole.height * k);
  const cx = crop.left + crop.width / 2;
  const cy = crop.top + crop.height / 2;
  return {
    left: Math.round(clamp(cx - width / 2, 0, frame.width - width)),
    top: Math.round(clamp(cy - height / 2, 0, frame.height - height)),
    width,
    height
  };
}

/** The smallest crop with its top-left corner at (x, y), moved in where it would run past the photo. */
export function cropAt(x: number, y: number, frame: Size): Crop {
  const side = Math.min(MIN_CROP_SIDE, frame.width, frame.height);
  return {
    left: Math.round(clamp(x, 0, frame.width - side)),
    top: Math.round(clamp(y, 0, frame.height - side)),
    width: side,
    height: side
  };
}

/** The whole photo as a crop (the tool starts there when the photo has none). */
export const wholeFrame = (frame: Size): Crop => ({ left: 0, top: 0, width: frame.width, height: frame.height });

/** The crop as fractions of the frame, for placing it over the picture at any scale. */
export function cropPercent(c: Crop, frame: Size): { left: number; top: number; width: number; height: number } {
  return {
    left: (100 * c.left) / frame.width,
    top: (100 * c.top) / frame.height,
    width: (100 * c.width) / frame.width,
    height: (100 * c.height) / frame.height
  };
}
