/**
 * Finds the print inside a scan: the even margin a scanner's lid (white), an
 * open lid (black) or an album page leaves around it, and how crooked the print
 * lies. Works on a small copy of the photo as shown (turned, uncropped) and
 * answers with the tilt that levels it and its crop in the photo's pixels, as a
 * suggestion the crop tool shows for the user to adjust; nothing is cut here.
 */
import sharp from 'sharp';
import {
  type Crop,
  type FoundPrint,
  MIN_CROP_SIDE,
  normalizeTilt,
  type Size,
  straightened,
  turnedSize
} from '../../shared/crop.ts';
import { decodeError } from '../pipeline/image-io.ts';
import type { Rotation } from '../../shared/types.ts';
import { MAX_PIXELS } from '../import/formats.ts';
import { framed } from './photo-frame.ts';

/** The long side of the copy the margin is looked for in: enough for a margin of 1 % to span several pixels. */
const WORK_SIDE = 400;
/** A margin line may carry this share of dust, fibres and specks and still count as margin. */
const MARGIN_SHARE = 0.92;

/** Bounds in the small copy's pixels, right and bottom exclusive. */
export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Tells margin pixels from print pixels in one small copy. */
interface MarginModel {
  isMargin: (x: number, y: number) => boolean;
}

/**
 * The margin's colour and how far its grain strays, from the image's outer bands; null when no two sides share
 * one even colour (one even side alone is more likely sky or a wall than a scanner lid).
 */
function marginModel(px: Uint8Array, width: number, height: number, channels: number): MarginModel | null {
  if (width < 8 || height < 8) return null;
  // Each side's outer band on its own: a print laid against the glass's corner leaves margin on two sides only.
  const sides: number[][] = [[], [], [], []];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      if (y < 2) sides[0]!.push(i);
      if (y >= height - 2) sides[1]!.push(i);
      if (x < 2) sides[2]!.push(i);
      if (x >= width - 2) sides[3]!.push(i);
    }
  const colourOf = (idx: number[]): number[] =>
    Array.from({ length: channels }, (_, c) => median(idx.map((i) => px[i + c]!)));
  const distance = (i: number, colour: number[]): number => {
    let d = 0;
    for (let c = 0; c < channels; c++) d = Math.max(d, Math.abs(px[i + c]! - colour[c]!));
    return d;
  };
  // How far a band's pixels stray from its own colour (grain, scanner noise); a band that strays far is print.
  const bands = sides.map((idx) => {
    const colour = colourOf(idx);
    return {
      idx,
      colour,
      spread: quantile(
        idx.map((i) => distance(i, colour)),
        0.6
      )
    };
  });
  const evenBands = bands.filter((b) => b.spread <= 28);
  const bg = colourOf(evenBands.flatMap((b) => b.idx));
  const even = evenBands.filter((b) => b.colour.every((v, c) => Math.abs(v - bg[c]!) <= 16));
  if (even.length < 2) return null;
  const tolerance = Math.min(48, Math.max(16, 2.5 * Math.max(...even.map((b) => b.spread)) + 10));
  return { isMargin: (x, y) => distance((y * width + x) * channels, bg) <= tolerance };
}

/**
 * The bounds of what is not margin in an interleaved 8-bit image, or null when there is no even margin, what is
 * left would be a sliver (the whole picture is even), or a side the margin was cut back from does not end in a
 * straight edge (an even sky or backdrop meeting a skyline or figures is picture, not a lid around a print).
 */
export function findPrintBounds(px: Uint8Array, width: number, height: number, channels: number): Bounds | null {
  return printOf(px, width, height, channels)?.bounds ?? null;
}

/**
 * How many degrees clockwise the print lies turned on the glass, from the straight lines its edges draw against
 * the margin (the median of the sides'); null when there is no print (see `findPrintBounds`).
 */
export function findPrintSkew(px: Uint8Array, width: number, height: number, channels: number): number | null {
  return printOf(px, width, height, channels)?.skew ?? null;
}

function boundsOf(model: MarginModel, width: number, height: number): Bounds | null {
  const isMarginLine = (x0: number, y0: number, dx: number, dy: number, n: number): boolean => {
    let even = 0;
    for (let k = 0; k < n; k++) if (model.isMargin(x0 + k * dx, y0 + k * dy)) even++;
    return even >= MARGIN_SHARE * n;
  };
  let top = 0;
  let bottom = height;
  while (top < height && isMarginLine(0, top, 1, 0, width)) top++;
  while (bottom > top && isMarginLine(0, bottom - 1, 1, 0, width)) bottom--;
  let left = 0;
  let right = width;
  while (left < width && isMarginLine(left, top, 0, 1, bottom - top)) left++;
  while (right > left && isMarginLine(right - 1, top, 0, 1, bottom - top)) right--;
  if (right - left < 0.2 * width || bottom - top < 0.2 * height) return null;
  if (left === 0 && top === 0 && right === width && bottom === height) return null;
  return { left, top, right, bottom };
}

/** A side's edge must put this share of its samples on one line. */
const STRAIGHT_SHARE = 0.75;

function printOf(
  px: Uint8Array,
  width: number,
  height: number,
  channels: number
): { bounds: Bounds; skew: number } | null {
  const model = marginModel(px, width, height, channels);
  const b = model && boundsOf(model, width, height);
  if (!model || !b) return null;
  // The first print pixel met walking in from a side: two in a row, so a speck of dust is not an edge.
  const edge = (x0: number, y0: number, dx: number, dy: number, n: number): number | null => {
    for (let k = 0; k < n - 1; k++) {
      if (!model.isMargin(x0 + k * dx, y0 + k * dy) && !model.isMargin(x0 + (k + 1) * dx, y0 + (k + 1) * dy)) return k;
    }
    return null;
  };
  // Each side's middle half, away from the corners a turned print rounds off.
  const along = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let t = Math.round(from + 0.25 * (to - from)); t < from + 0.75 * (to - from); t++) out.push(t);
    return out;
  };
  const w = width;
  const h = height;
  const sides: { ts: number[]; at: (t: number) => number | null; sign: 1 | -1 }[] = [];
  // A print turned clockwise by φ: its left and right edges run dx/dy = −tan φ, its top and bottom dy/dx = tan φ.
  if (b.left > 0) sides.push({ ts: along(b.top, b.bottom), at: (y) => edge(0, y, 1, 0, w), sign: -1 });
  if (b.right < w)
    sides.push({
      ts: along(b.top, b.bottom),
      at: (y) => {
        const k = edge(w - 1, y, -1, 0, w);
        return k === null ? null : w - 1 - k;
      },
      sign: -1
    });
  if (b.top > 0) sides.push({ ts: along(b.left, b.right), at: (x) => edge(x, 0, 0, 1, h), sign: 1 });
  if (b.bottom < h)
    sides.push({
      ts: along(b.left, b.right),
      at: (x) => {
        const k = edge(x, h - 1, 0, -1, h);
        return k === null ? null : h - 1 - k;
      },
      sign: 1
    });
  const angles: number[] = [];
  for (const side of sides) {
    const fit = robustLine(pointsOf(side.ts, side.at));
    if (!fit || fit.inliers < STRAIGHT_SHARE * side.ts.length) return null;
    angles.push((side.sign * Math.atan(fit.slope) * 180) / Math.PI);
  }
  return { bounds: b, skew: angles.length === 0 ? 0 : median(angles) };
}

function pointsOf(ts: number[], at: (t: number) => number | null): [number, number][] {
  return ts.flatMap((t) => {
    const v = at(t);
    return v === null ? [] : [[t, v] as [number, number]];
  });
}

/**
 * A least-squares line through the points, refitted twice without those more than 1.5 px off it: its slope and how many
 * points lie on it; null for too few.
 */
function robustLine(points: [number, number][]): { slope: number; inliers: number } | null {
  let pts = points;
  let slope = 0;
  for (let round = 0; round < 3; round++) {
    if (pts.length < 10) return null;
    const n = pts.length;
    const mt = pts.reduce((acc, p) => acc + p[0], 0) / n;
    const mv = pts.reduce((acc, p) => acc + p[1], 0) / n;
    let stt = 0;
    let stv = 0;
    for (const [t, v] of pts) {
      stt += (t - mt) ** 2;
      stv += (t - mt) * (v - mv);
    }
    if (stt === 0) return null;
    slope = stv / stt;
    const m = slope;
    pts = points.filter(([t, v]) => Math.abs(v - (mv + m * (t - mt))) <= 1.5);
  }
  return pts.length < 10 ? null : { slope, inliers: pts.length };
}

/**
 * Small-copy bounds as a crop of a `frame`-sized photo. Each side that moved steps in by one small pixel's
 * worth more, so the print's soft edge and the lid's shadow stay out; sides that did not move stay at the edge.
 */
export function boundsToCrop(b: Bounds, small: Size, frame: Size): Crop | null {
  const sx = frame.width / small.width;
  const sy = frame.height / small.height;
  const left = b.left === 0 ? 0 : Math.ceil((b.left + 1) * sx);
  const top = b.top === 0 ? 0 : Math.ceil((b.top + 1) * sy);
  const right = b.right === small.width ? frame.width : Math.floor((b.right - 1) * sx);
  const bottom = b.bottom === small.height ? frame.height : Math.floor((b.bottom - 1) * sy);
  if (right - left < MIN_CROP_SIDE || bottom - top < MIN_CROP_SIDE) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * The print in the photo file at `path` as shown turned by `view` (uncropped): the tilt that levels it (the view's
 * own when it lies square) and its crop in the frame that tilt leaves; null when no margin is found. A file that
 * cannot be read fails with the decoder's clear error, as a restore of it would.
 */
export async function findPrint(path: string, view: { rotation: Rotation; tilt: number }): Promise<FoundPrint | null> {
  try {
    return await findPrintIn(path, view);
  } catch (err) {
    throw decodeError(path, err);
  }
}

async function findPrintIn(path: string, view: { rotation: Rotation; tilt: number }): Promise<FoundPrint | null> {
  const meta = await sharp(path).metadata();
  const turned = turnedSize({
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    orientation: meta.orientation ?? null,
    rotation: view.rotation
  });
  const look = async (tilt: number): Promise<{ tilt: number; crop: Crop | null; skew: number | null }> => {
    const { data, info } = await (
      await framed(sharp(path, { limitInputPixels: MAX_PIXELS }), { rotation: view.rotation, tilt, crop: null })
    )
      .resize(WORK_SIDE, WORK_SIDE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const px = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const print = printOf(px, info.width, info.height, info.channels);
    const crop =
      print && boundsToCrop(print.bounds, { width: info.width, height: info.height }, straightened(turned, tilt));
    return { tilt, crop, skew: crop ? print.skew : null };
  };
  const first = await look(view.tilt);
  // Level the print when it lies more than a fifth of a degree off square, then find it again in the levelled frame.
  const levelled =
    first.skew !== null && Math.abs(first.skew) >= 0.2 ? await look(normalizeTilt(view.tilt - first.skew)) : null;
  const best = levelled?.crop ? levelled : first;
  return best.crop ? { tilt: best.tilt, crop: best.crop } : null;
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
