/**
 * Decoding and encoding with sharp. Pixels are read upright (EXIF orientation
 * applied), converted to the sRGB working space, alpha flattened onto white
 * (restoration has no use for transparency and old scans carry none), at 8 or
 * 16 bits per channel, never resized. Outputs are PNG, 16-bit when the input
 * was, grey when the input was (including RGB files whose channels agree), carrying the original's date, GPS, camera and
 * description with orientation reset (the pixels are already upright), and its resolution (a 600-dpi scan restores to a 600-dpi PNG).
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../../shared/errors.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';
import { framed, UNFRAMED } from '../image/photo-frame.ts';
import { withPngDensity } from './png-density.ts';
import { type ExifTags, carriedExif } from '../image/metadata.ts';
import { EMPTY_FILE, tooLarge } from '../import/errors.ts';
import { MAX_PIXELS } from '../import/formats.ts';

/** Decoded pixels, interleaved, upright, sRGB. */
export interface SourceImage {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
  bitDepth: 8 | 16;
  data: Uint8Array | Uint16Array;
  /** What the output carries over from the original. */
  exif: ExifTags;
  hadIcc: boolean;
  /** The file's resolution in pixels per inch, when it records one. */
  density?: number;
}

/** Maps sharp's decode failures to errors that name the file. */
export function decodeError(path: string, err: unknown): StudioError {
  const msg = err instanceof Error ? err.message : String(err);
  const name = basename(path);
  if (/ENOENT|no such file|input file is missing/i.test(msg))
    return new StudioError('not-found', `${name}: file not found (${path})`);
  if (/unsupported image format|heif|heic/i.test(msg))
    return new StudioError(
      'unsupported-format',
      `${name}: not an image format Heirloom can read (JPEG, PNG, TIFF, WebP, GIF, AVIF): ${msg}`
    );
  if (/pixel limit/i.test(msg))
    return new StudioError(
      'too-large',
      `${name}: image is over the ${MAX_PIXELS / 1e6} MP limit (decompression bomb protection)`
    );
  return new StudioError('corrupt-file', `${name}: the image is damaged or truncated and cannot be decoded (${msg})`);
}

/** Decodes a photo as the library shows it: upright (EXIF orientation), turned and cropped as the user chose. */
export async function readSource(path: string, frame: PhotoFrame = UNFRAMED): Promise<SourceImage> {
  try {
    // Checked as import checks them, with the same words.
    if ((await stat(path)).size === 0) throw new StudioError('corrupt-file', `${basename(path)}: ${EMPTY_FILE}`);
    const meta = await sharp(path, { limitInputPixels: false }).metadata();
    if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_PIXELS) {
      const e = tooLarge(meta.width!, meta.height!);
      throw new StudioError(e.kind, `${basename(path)}: ${e.message}`);
    }
    const grey = meta.channels !== undefined && meta.channels <= 2 && meta.space !== 'cmyk';
    const deep = meta.depth === 'ushort' || meta.depth === 'short' || meta.depth === 'uint';
    const space = grey ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb';
    const { data, info } = await (
      await framed(sharp(path, { failOn: 'error', limitInputPixels: MAX_PIXELS }), frame)
    )
      .flatten({ background: deep ? { r: 65535, g: 65535, b: 65535 } : '#ffffff' })
      .toColourspace(space)
      .raw({ depth: deep ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== channels) throw new Error(`unexpected ${info.channels} channels after decoding`);
    const pixels = deep
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const base = {
      width: info.width,
      height: info.height,
      bitDepth: deep ? 16 : 8,
      exif: carriedExif(meta.exif),
      hadIcc: meta.icc !== undefined,
      ...(meta.density ? { density: meta.density } : {})
    } as const;
    // Black-and-white prints are often scanned or saved as RGB: treat those as grey so the output stays grey.
    if (channels === 3 && looksGrey(pixels, deep ? 257 : 1)) return { ...base, channels: 1, data: toGrey(pixels) };
    return { ...base, channels, data: pixels };
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw decodeError(path, err);
  }
}

/**
 * True when an RGB image is grey in all but compression noise: channels differ by
 * at most 2 levels (8-bit scale) on average and by no more than 12 anywhere.
 */
export function looksGrey(rgb: Uint8Array | Uint16Array, unit: number): boolean {
  let sum = 0;
  const limit = 12 * unit;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const d = Math.max(Math.abs(r - g), Math.abs(g - b), Math.abs(r - b));
    if (d > limit) return false;
    sum += d;
  }
  return sum / (rgb.length / 3) <= 2 * unit;
}

function toGrey<T extends Uint8Array | Uint16Array>(rgb: T): T {
  const out = (rgb instanceof Uint16Array ? new Uint16Array(rgb.length / 3) : new Uint8Array(rgb.length / 3)) as T;
  for (let i = 0, j = 0; j < out.length; i += 3, j++) out[j] = Math.round((rgb[i]! + rgb[i + 1]! + rgb[i + 2]!) / 3);
  return out;
}

/** Encodes interleaved pixels to PNG bytes with the carried metadata. */
export async function encodePng(
  pixels: Uint8Array | Uint16Array,
  width: number,
  height: number,
  channels: 1 | 3,
  meta: { exif: ExifTags; hadIcc: boolean; density?: number }
): Promise<Buffer> {
  const deep = pixels instanceof Uint16Array;
  let img = sharp(pixels, { raw: { width, height, channels } });
  img = img.toColourspace(deep ? (channels === 1 ? 'grey16' : 'rgb16') : channels === 1 ? 'b-w' : 'srgb');
  if (Object.keys(meta.exif).length > 0) img = img.withExif(meta.exif as Record<string, Record<string, string>>);
  // The pixels were converted to sRGB on decode, so sRGB is the profile that describes them. Only at
  // 8 bits: sharp's withIccProfile transforms as it attaches, which is the identity for 8-bit sRGB but
  // shifts 16-bit values (measured: up to 16698/65535); an untagged 16-bit PNG is read as sRGB anyway.
  if (meta.hadIcc && channels === 3 && !deep) img = img.withIccProfile('srgb');
  const png = await img.png({ compressionLevel: 6 }).toBuffer();
  return meta.density ? withPngDensity(png, meta.density) : png;
}

/** An 8-bit grey mask PNG (0 or 255). */
export async function encodeMaskPng(mask: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(mask, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/** Refuses, before anything is queued, a mask that is not a PNG of the photo's size. */
export async function checkMaskPng(png: Uint8Array, width: number, height: number): Promise<void> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(png).metadata();
  } catch {
    throw new StudioError('invalid-input', 'the mask is not a readable image');
  }
  if (meta.format !== 'png')
    throw new StudioError('invalid-input', `the mask must be a PNG image, not ${meta.format ?? 'unknown'}`);
  const turned = (meta.orientation ?? 1) >= 5;
  const [w, h] = turned ? [meta.height, meta.width] : [meta.width, meta.height];
  if (w !== width || h !== height)
    throw new StudioError('invalid-input', `the mask is ${w}×${h}, the photo is ${width}×${height}`);
}

/** Reads a mask PNG as 0/1 bytes at the expected size; a size mismatch is an error, not a resize. */
export async function readMask(path: string, width: number, height: number): Promise<Uint8Array> {
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await sharp(path)
      .rotate()
      .flatten({ background: '#000000' })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw decodeError(path, err);
  }
  const { data, info } = decoded;
  if (info.width !== width || info.height !== height) {
    throw new StudioError(
      'invalid-input',
      `mask ${basename(path)} is ${info.width}×${info.height}, the photo is ${width}×${height}`
    );
  }
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]! >= 128 ? 1 : 0;
  return out;
}
