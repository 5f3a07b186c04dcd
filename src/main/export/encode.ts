/**
 * Writes one export file from an original or a restored version.
 *
 * Orientation policy (consistent for every re-encoded file): pixels are rotated
 * upright and the EXIF Orientation tag is 1, so viewers that ignore EXIF show
 * the photo the right way up too. With format `original` the bytes are copied
 * untouched and the tag stays whatever the source had.
 *
 * ICC policy: an original keeps its own profile (its pixels are unchanged); a
 * restored version keeps the profile the engine wrote, or is tagged sRGB (the
 * engine's working space) when it has none.
 */
import { constants } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../../shared/errors.ts';
import { freeBytes, isBareWriteError, isDiskFull } from '../disk-space.ts';
import { carriedExif, type ExifTags } from '../image/metadata.ts';
import { asciiCaption, metadataXmp, readBack } from './embedded-metadata.ts';
import type { ExportFormat, ExportSourceKind, MetadataReport } from './types.ts';
import { exifTaken } from '../../shared/taken-date.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';
import { framed } from '../image/photo-frame.ts';

/** What to write: one file of one photo. */
export interface EncodeJob {
  source: ExportSourceKind;
  /** The file the pixels come from (original or version output). */
  inputPath: string;
  /** The photo's original, whose EXIF is carried into restored files. */
  originalPath: string;
  /**
   * The library's turn and crop of an original, applied to the upright pixels
   * when re-encoding (null: none, a version is made so).
   */
  frame: PhotoFrame | null;
  caption: string | null;
  /** The library's date taken (`shared/taken-date.ts`), written over the file's own where set. */
  takenAt: string | null;
  format: ExportFormat;
  quality: number;
}

export interface EncodeResult {
  bytes: number;
  width: number;
  height: number;
  bitDepth: 8 | 16;
  metadata: MetadataReport;
}

/** Extension for a re-encoded format (the `original` format keeps the source's). */
export const FORMAT_EXTENSION: Record<Exclude<ExportFormat, 'original'>, string> = {
  jpeg: 'jpg',
  png: 'png',
  tiff16: 'tif'
};

const isGrey = (space: string | undefined) => space === 'b-w' || space === 'grey16';

/** Removes the date tags from `tags` in place; whether there were any. */
function withoutDates(tags: ExifTags): boolean {
  const had = Boolean(tags.IFD2?.DateTimeOriginal || tags.IFD2?.DateTimeDigitized || tags.IFD0?.DateTime);
  for (const key of ['DateTimeOriginal', 'DateTimeDigitized', 'OffsetTimeOriginal']) delete tags.IFD2?.[key];
  delete tags.IFD0?.DateTime;
  return had;
}

/** Writes `job` to `outPath`, which must not exist yet. Decoding failures are `corrupt-file` errors naming the file. */
export async function encodeEntry(job: EncodeJob, outPath: string): Promise<EncodeResult> {
  try {
    return await encode(job, outPath);
  } catch (err) {
    if (err instanceof StudioError) throw err;
    const e = err as NodeJS.ErrnoException;
    // Written into the destination: a full disk there is not a damaged source (libvips may only say "write error").
    if (isDiskFull(e) || (isBareWriteError(e) && ((await freeBytes(dirname(outPath))) ?? Infinity) < 1_000_000)) {
      throw new StudioError('io', `${basename(outPath)}: no space left on the destination disk`);
    }
    if (e.code === 'ENOENT') throw new StudioError('not-found', `${job.inputPath} is missing`);
    if (typeof e.code === 'string') throw new StudioError('io', `${job.inputPath}: ${e.message}`);
    throw new StudioError('corrupt-file', `${job.inputPath} could not be read as an image: ${e.message}`);
  }
}

const reframed = async (input: sharp.Sharp, frame: PhotoFrame | null): Promise<sharp.Sharp> =>
  frame ? framed(input, frame) : input.autoOrient();

async function encode(job: EncodeJob, outPath: string): Promise<EncodeResult> {
  if (job.format === 'original') {
    await copyFile(job.inputPath, outPath, constants.COPYFILE_EXCL);
    const meta = await readBack(outPath, 'tag-kept', job.source === 'original' ? 'original' : 'version');
    return { bytes: (await stat(outPath)).size, ...meta };
  }

  const input = sharp(job.inputPath, { failOn: 'error' });
  const inputMeta = await input.metadata();
  let pipeline = (await reframed(input, job.frame)).keepMetadata();
  let icc: MetadataReport['icc'] = inputMeta.icc ? (job.source === 'original' ? 'original' : 'version') : 'none';

  // Restored pixels carry the original's EXIF; an original carries its own (kept above).
  const originalExif = job.source === 'restored' ? (await sharp(job.originalPath).metadata()).exif : inputMeta.exif;
  const carried = carriedExif(originalExif);
  // A date set in the library (often the real year of a print whose EXIF holds the day it was scanned) wins.
  const day = job.takenAt ? exifTaken(job.takenAt) : null;
  if (day) carried.IFD2 = { ...carried.IFD2, DateTimeOriginal: day };
  // A date cleared in the library (import reads it from these tags, so it was there): the file must not claim one.
  const cleared = job.takenAt === null && withoutDates(carried);
  let exif: ExifTags = job.source === 'restored' ? carried : day ? { IFD2: { DateTimeOriginal: day } } : {};
  if (cleared && job.source === 'original') {
    // Merging cannot remove a tag: the original's EXIF is replaced by the carried set without its dates.
    pipeline = (await reframed(input, job.frame)).keepIccProfile();
    exif = carried;
  }
  if (job.source === 'restored' && !inputMeta.icc) {
    pipeline = pipeline.withIccProfile('srgb');
    icc = 'srgb';
  }
  const caption = job.caption?.trim() ? job.caption : null;
  if (caption) (exif.IFD0 ??= {}).ImageDescription = asciiCaption(caption);
  if (cleared && job.source === 'original') pipeline = pipeline.withExif(exif);
  else if (Object.keys(exif).length > 0) pipeline = pipeline.withExifMerge(exif);
  if (caption || job.takenAt || job.format === 'tiff16')
    pipeline = pipeline.withXmp(metadataXmp(caption, carried, job.takenAt));

  switch (job.format) {
    case 'jpeg':
      if (inputMeta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
      pipeline = pipeline.jpeg({ quality: job.quality, chromaSubsampling: job.quality >= 90 ? '4:4:4' : '4:2:0' });
      break;
    case 'png':
      // sharp writes 8-bit unless told otherwise: a 16-bit source stays 16-bit in PNG.
      if (inputMeta.depth === 'ushort') pipeline = pipeline.toColourspace(isGrey(inputMeta.space) ? 'grey16' : 'rgb16');
      pipeline = pipeline.png({ compressionLevel: 6 });
      break;
    case 'tiff16':
      // sharp's default TIFF compression is JPEG, which is 8-bit only: deflate keeps 16 bits.
      // Unlike JPEG and PNG, sharp's TIFF leaves the input's resolution out unless it is given (in pixels per mm).
      pipeline = pipeline.toColourspace('rgb16').tiff({
        compression: 'deflate',
        predictor: 'horizontal',
        ...(inputMeta.density
          ? { xres: inputMeta.density / 25.4, yres: inputMeta.density / 25.4, resolutionUnit: 'inch' as const }
          : {})
      });
      break;
  }
  await pipeline.toFile(outPath);
  const meta = await readBack(outPath, 'pixels-rotated', icc);
  return { bytes: (await stat(outPath)).size, ...meta };
}
