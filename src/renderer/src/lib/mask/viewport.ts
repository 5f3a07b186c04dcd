/**
 * Zoom and pan for a large image in a smaller view (the mask editor and the
 * compare view share it, so "1:1" and "fit" mean the same everywhere).
 * screen = image × scale + offset, in CSS pixels. "1:1" is one image pixel per
 * *device* pixel, hence the devicePixelRatio argument.
 */

export interface View {
  /** CSS pixels per image pixel. */
  scale: number;
  /** Screen position (CSS px) of the image's top-left corner. */
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Most zoomed in: 32 device pixels per image pixel. */
const MAX_DEVICE_ZOOM = 32;

/** The whole image, centred, as large as fits (never enlarged past 1:1 for small images). */
export function fitView(image: Size, view: Size, dpr = 1, margin = 0): View {
  const w = Math.max(1, view.width - 2 * margin);
  const h = Math.max(1, view.height - 2 * margin);
  const scale = Math.min(w / image.width, h / image.height, 1 / dpr);
  return centred(image, view, scale);
}

/** One image pixel per device pixel, centred on the image point under `focus` (screen px) or the middle. */
export function actualPixels(current: View, image: Size, view: Size, dpr = 1, focus?: { x: number; y: number }): View {
  const at = focus ?? { x: view.width / 2, y: view.height / 2 };
  return zoomAt(current, 1 / dpr / current.scale, at, image, view, dpr);
}

function centred(image: Size, view: Size, scale: number): View {
  return { scale, x: (view.width - image.width * scale) / 2, y: (view.height - image.height * scale) / 2 };
}

/** Smallest scale allowed: a fit, or 1:1 for images smaller than the view. */
function minScale(image: Size, view: Size, dpr = 1): number {
  return Math.min(fitView(image, view, dpr).scale, 1 / dpr);
}

/** Multiplies the zoom by `factor`, keeping the image point under `at` (screen px) fixed. */
export function zoomAt(
  current: View,
  factor: number,
  at: { x: number; y: number },
  image: Size,
  view: Size,
  dpr = 1
): View {
  const scale = clamp(current.scale * factor, minScale(image, view, dpr), MAX_DEVICE_ZOOM / dpr);
  const ix = (at.x - current.x) / current.scale;
  const iy = (at.y - current.y) / current.scale;
  return clampView({ scale, x: at.x - ix * scale, y: at.y - iy * scale }, image, view);
}

/** Moves the image by (dx, dy) screen pixels. */
export function panBy(current: View, dx: number, dy: number, image: Size, view: Size): View {
  return clampView({ ...current, x: current.x + dx, y: current.y + dy }, image, view);
}

/**
 * Keeps the image on screen: an image smaller than the view is centred on that
 * axis; a larger one cannot be dragged so far that a gap opens at an edge.
 */
function clampView(v: View, image: Size, view: Size): View {
  const w = image.width * v.scale;
  const h = image.height * v.scale;
  const x = w <= view.width ? (view.width - w) / 2 : clamp(v.x, view.width - w, 0);
  const y = h <= view.height ? (view.height - h) / 2 : clamp(v.y, view.height - h, 0);
  return { scale: v.scale, x, y };
}

/** Screen (CSS px, relative to the view) → image pixel coordinates (fractional). */
export function toImage(v: View, p: { x: number; y: number }): { x: number; y: number } {
  return { x: (p.x - v.x) / v.scale, y: (p.y - v.y) / v.scale };
}

/** Image pixel coordinates → screen (CSS px, relative to the view). */
export function toScreen(v: View, p: { x: number; y: number }): { x: number; y: number } {
  return { x: p.x * v.scale + v.x, y: p.y * v.scale + v.y };
}

/** The part of the image visible in the view, in image pixels (clipped to the image). */
export function visibleRect(v: View, image: Size, view: Size): { x: number; y: number; w: number; h: number } {
  const a = toImage(v, { x: 0, y: 0 });
  const b = toImage(v, { x: view.width, y: view.height });
  const x = clamp(Math.floor(a.x), 0, image.width);
  const y = clamp(Math.floor(a.y), 0, image.height);
  return { x, y, w: clamp(Math.ceil(b.x), 0, image.width) - x, h: clamp(Math.ceil(b.y), 0, image.height) - y };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
