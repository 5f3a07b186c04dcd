/**
 * Finds the print inside a scan: the even margin a scanner's lid (white), an
 * open lid (black) or an album page leaves around it. Works on a small copy of
 * the photo as shown (turned, uncropped) and answers in the photo's pixels, as a
 * suggestion the crop tool shows for the user to adjust; nothing is cut here.
 */
import sharp from 'sharp';
import { type Crop, MIN_CROP_SIDE, type Size } from '../shared/crop.ts';
import type { Rotation } from '../shared/types.ts';
import { MAX_PIXELS } from './import/formats.ts';
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

/**
 * The bounds of what is not margin in an interleaved 8-bit image, or null when there is no even margin (the
 * outer ring of pixels is not one colour) or what is left would be a sliver (the whole picture is even).
 */
export function findPrintBounds(px: Uint8Array, width: number, height: number, channels: number): Bounds | null {
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
  const colourOf = (idx: number[]): number[] => Array.from({ length: channels }, (_, c) => median(idx.map((i) => px[i + c]!)));
  const distance = (i: number, colour: number[]): number => {
    let d = 0;
    for (let c = 0; c < channels; c++) d = Math.max(d, Math.abs(px[i + c]! - colour[c]!));
    return d;
  };
  // How far a band's pixels stray from its own colour (grain, scanner noise); a band that strays far is print.
  const bands = sides.map((idx) => {
    const colour = colourOf(idx);
    return { idx, colour, spread: quantile(idx.map((i) => distance(i, colour)), 0.6) };
  });
  const evenBands = bands.filter((s) => s.spread <= 28);
  const bg = colourOf(evenBands.flatMap((s) => s.idx));
  // Margin runs along at least two sides in one colour; one even side alone is more likely sky or a wall.
  const even = evenBands.filter((s) => s.colour.every((v, c) => Math.abs(v - bg[c]!) <= 16));
  if (even.length < 2) return null;
  const far = (i: number): number => distance(i, bg);
  const spread = Math.max(...even.map((s) => s.spread));
  const tolerance = Math.min(48, Math.max(16, 2.5 * spread + 10));
  const isMargin = (x0: number, y0: number, dx: number, dy: number, n: number): boolean => {
    let even = 0;
    for (let k = 0; k < n; k++) if (far(((y0 + k * dy) * width + x0 + k * dx) * channels) <= tolerance) even++;
    return even >= MARGIN_SHARE * n;
  };
  let top = 0;
  let bottom = height;
  while (top < height && isMargin(0, top, 1, 0, width)) top++;
  while (bottom > top && isMargin(0, bottom - 1, 1, 0, width)) bottom--;
  let left = 0;
  let right = width;
  while (left < width && isMargin(left, top, 0, 1, bottom - top)) left++;
  while (right > left && isMargin(right - 1, top, 0, 1, bottom - top)) right--;
  if (right - left < 0.2 * width || bottom - top < 0.2 * height) return null;
  if (left === 0 && top === 0 && right === width && bottom === height) return null;
  return { left, top, right, bottom };
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

/** The print's crop in the photo as shown turned and straightened by `view` (uncropped, `frame` in size), or null when no margin is found. */
export async function findPrint(path: string, view: { rotation: Rotation; tilt: number }, frame: Size): Promise<Crop | null> {
  const { data, info } = await (await framed(sharp(path, { limitInputPixels: MAX_PIXELS }), { ...view, crop: null }))
    .resize(WORK_SIDE, WORK_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const bounds = findPrintBounds(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height, info.channels);
  return bounds && boundsToCrop(bounds, { width: info.width, height: info.height }, frame);
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
