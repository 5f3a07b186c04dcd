/**
 * Brush and eraser strokes rasterised into a mask. A stroke segment paints
 * every pixel whose centre lies within `radius` of the segment (a capsule), so
 * fast pointer moves leave no gaps between pointer events.
 */
import { clipRect, type Mask, type Rect } from './mask.ts';

export interface Point {
  x: number;
  y: number;
}

/**
 * Paints the capsule from `a` to `b` (image pixel coordinates, pixel centres at
 * +0.5) with `value`. Returns the changed area, or null if it missed the mask.
 */
export function paintSegment(mask: Mask, a: Point, b: Point, radius: number, value: number): Rect | null {
  const r = Math.max(0.5, radius);
  const area = clipRect(mask, {
    x: Math.min(a.x, b.x) - r,
    y: Math.min(a.y, b.y) - r,
    w: Math.abs(a.x - b.x) + 2 * r + 1,
    h: Math.abs(a.y - b.y) + 2 * r + 1
  });
  if (!area) return null;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  const { width, data } = mask;
  for (let y = area.y; y < area.y + area.h; y++) {
    const py = y + 0.5;
    for (let x = area.x; x < area.x + area.w; x++) {
      const px = x + 0.5;
      // Distance from the pixel centre to the nearest point of the segment.
      let t = len2 === 0 ? 0 : ((px - a.x) * dx + (py - a.y) * dy) / len2;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - (a.x + t * dx);
      const ey = py - (a.y + t * dy);
      if (ex * ex + ey * ey <= r2) data[y * width + x] = value;
    }
  }
  return area;
}

/** A single dab (pointer down without moving). */
export function paintDot(mask: Mask, p: Point, radius: number, value: number): Rect | null {
  return paintSegment(mask, p, p, radius, value);
}
