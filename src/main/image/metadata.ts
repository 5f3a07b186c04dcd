/**
 * What an image's metadata says: the facts import records (dimensions, depth,
 * EXIF date taken / orientation / camera) and the EXIF tags a file made from its
 * pixels carries on (a restored version, an export).
 */
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

const DEPTH_BITS: Record<string, number> = {
  uchar: 8,
  char: 8,
  ushort: 16,
  short: 16,
  uint: 32,
  int: 32,
  float: 32,
  double: 64
};

/** Width/height as stored (before orientation), as the pipeline reads them. */
export function imageFacts(meta: Metadata): ImageFacts {
  const exif = readExif(meta.exif);
  const pngOr16 = meta.depth ? (DEPTH_BITS[meta.depth] ?? 8) : 8;
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
    const camera =
      make && model
        ? model.toLowerCase().startsWith(make.toLowerCase())
          ? model
          : `${make} ${model}`
        : (model ?? make);
    return {
      takenAt: when instanceof Date && !Number.isNaN(when.getTime()) ? localIso(when) : null,
      camera: camera ?? null
    };
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

/** The shape sharp's `withExif`/`withExifMerge` take: IFD0 image, IFD2 Exif, IFD3 GPS. */
export type ExifTags = Partial<Record<'IFD0' | 'IFD2' | 'IFD3', Record<string, string>>>;

const IMAGE_TAGS = ['Make', 'Model', 'ImageDescription', 'Artist', 'Copyright', 'DateTime'] as const;
const PHOTO_TAGS = ['DateTimeOriginal', 'DateTimeDigitized', 'OffsetTimeOriginal'] as const;
const GPS_TEXT = ['GPSLatitudeRef', 'GPSLongitudeRef', 'GPSDateStamp', 'GPSMapDatum'] as const;
const GPS_RATIONALS = ['GPSLatitude', 'GPSLongitude', 'GPSAltitude', 'GPSTimeStamp'] as const;

/**
 * The tags worth carrying from an original's EXIF into a file made from other
 * pixels (a restored version): when and where it was taken, by what camera,
 * what it shows. Orientation is deliberately left out: exported pixels are upright.
 */
export function carriedExif(exif: Buffer | undefined): ExifTags {
  if (!exif || exif.length === 0) return {};
  let parsed: ReturnType<typeof exifReader>;
  try {
    parsed = exifReader(exif);
  } catch {
    return {}; // an unreadable EXIF block is not worth failing an export over
  }
  const out: ExifTags = {};
  const put = (ifd: keyof ExifTags, key: string, value: string | null) => {
    if (value === null || value === '') return;
    (out[ifd] ??= {})[key] = value;
  };
  for (const key of IMAGE_TAGS) put('IFD0', key, exifValue(parsed.Image?.[key]));
  for (const key of PHOTO_TAGS) put('IFD2', key, exifValue(parsed.Photo?.[key]));
  for (const key of GPS_TEXT) put('IFD3', key, exifValue(parsed.GPSInfo?.[key]));
  for (const key of GPS_RATIONALS) put('IFD3', key, rationals(parsed.GPSInfo?.[key]));
  const altRef = parsed.GPSInfo?.GPSAltitudeRef;
  if (typeof altRef === 'number') put('IFD3', 'GPSAltitudeRef', String(altRef));
  return out;
}

function exifValue(value: unknown): string | null {
  if (value instanceof Date) return exifDate(value);
  if (typeof value === 'string') return value.replace(/\0+$/, '');
  if (typeof value === 'number') return String(value);
  return null;
}

/** exif-reader turns EXIF local time into a Date read as UTC; this is the inverse. */
export function exifDate(d: Date): string | null {
  if (Number.isNaN(d.getTime())) return null;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}:${p(d.getUTCMonth() + 1)}:${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** libvips reads rationals as space-separated `num/den` strings. */
function rationals(value: unknown): string | null {
  const list = Array.isArray(value) ? value : typeof value === 'number' ? [value] : null;
  if (!list || list.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0)) return null;
  return (list as number[]).map((v) => `${Math.round(v * 10000)}/10000`).join(' ');
}
