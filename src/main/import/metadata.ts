/** What import records about an image: dimensions, depth, and EXIF date taken / orientation / camera. */
import exifReader from 'exif-reader';
import type { Metadata } from 'sharp';

export interface ImageFacts {
  format: string;
  width: number;
  height: number;
  bitDepth: number;
  channels: number;
  orientation: number | null;
  takenAt: string | null;
  camera: string | null;
}

const DEPTH_BITS: Record<string, number> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, double: 64 };

/** Width/height as stored (before orientation), as the pipeline reads them. */
export function imageFacts(meta: Metadata): ImageFacts {
  const exif = readExif(meta.exif);
  const pngOr16 = meta.depth ? DEPTH_BITS[meta.depth] ?? 8 : 8;
  return {
    format: meta.format ?? 'unknown',
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    bitDepth: pngOr16,
    channels: meta.channels ?? 3,
    orientation: meta.orientation ?? null,
    takenAt: exif.takenAt,
    camera: exif.camera
  };
}

function readExif(buf: Buffer | undefined): { takenAt: string | null; camera: string | null } {
  if (!buf) return { takenAt: null, camera: null };
  try {
    const tags = exifReader(buf);
    const when = tags.Photo?.DateTimeOriginal ?? tags.Photo?.DateTimeDigitized ?? tags.Image?.DateTime;
    const make = clean(tags.Image?.Make);
    const model = clean(tags.Image?.Model);
    const camera = make && model ? (model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`) : (model ?? make);
    return { takenAt: when instanceof Date && !Number.isNaN(when.getTime()) ? localIso(when) : null, camera: camera ?? null };
  } catch {
    // Damaged EXIF is common in scans; the photo itself is still good.
    return { takenAt: null, camera: null };
  }
}

function clean(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/\0/g, '').trim();
  return s === '' ? null : s;
}

/** EXIF times have no zone; exif-reader parses them as UTC, so the UTC fields are the wall-clock time. */
function localIso(d: Date): string {
  return d.toISOString().slice(0, 19);
}
