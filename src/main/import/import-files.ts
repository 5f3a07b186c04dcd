/**
 * Import: each file is copied into the store (hashed on the way), recognised
 * as a duplicate by its sha256, checked (format, pixel limit, full decode for
 * the thumbnail) and only then given its row, in one transaction with its
 * album place and search entry. A failed file becomes one outcome with one
 * clear message; the others go on. Files are processed a few at a time: the
 * work is I/O and sharp's thread pool, so the calling event loop stays free.
 */
import { open, rm } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import sharp from 'sharp';
import { StudioError, toErrorShape } from '../../shared/errors.ts';
import type { ImportOutcome, ImportReport } from '../../shared/types.ts';
import { libraryPaths } from '../paths.ts';
import { addDuplicateToAlbum, albumExists, insertPhoto, photoIdBySha } from '../library/queries/import.ts';
import { freeBytes, isBareWriteError, isDiskFull } from '../disk-space.ts';
import { describeDecodeError, describeFsError, libraryFullMessage, tooLarge } from './errors.ts';
import { MAX_PIXELS, STORED_EXTENSION } from './formats.ts';
import { imageFacts, type ImageFacts } from '../image/metadata.ts';
import { copyHashed, moveIntoPlace, writeThumbnail } from './store.ts';
import { expandPaths } from './walk.ts';

/** Below this a bare write error in the library is taken for a full disk. */
const LOW_SPACE = 16_000_000;

export interface ImportOptions {
  albumId?: number;
  signal?: AbortSignal;
  /** After every file. */
  onProgress?(done: number, total: number, current: string | null): void;
  /** After every photo row written (for live grid refreshes). */
  onCommitted?(photoId: number): void;
  concurrency?: number;
}

export async function importPaths(
  db: Database.Database,
  libraryDir: string,
  paths: string[],
  options: ImportOptions = {}
): Promise<ImportReport> {
  if (options.albumId !== undefined && !albumExists(db, options.albumId)) {
    throw new StudioError('not-found', `no album with id ${options.albumId}`);
  }
  const walked = await expandPaths(paths);
  const outcomes: ImportOutcome[] = new Array(walked.files.length);
  const inFlight = new Map<string, Promise<number | null>>();
  let next = 0;
  let done = 0;
  const total = walked.files.length;
  options.onProgress?.(0, total, null);

  const worker = async (): Promise<void> => {
    while (next < walked.files.length) {
      const i = next++;
      const path = walked.files[i]!;
      if (options.signal?.aborted) {
        outcomes[i] = { path, status: 'failed', kind: 'cancelled', message: 'import cancelled before this file' };
      } else {
        outcomes[i] = await importOne(db, libraryDir, path, options, inFlight);
        if (outcomes[i]!.status === 'imported') options.onCommitted?.((outcomes[i] as { photoId: number }).photoId);
      }
      options.onProgress?.(++done, total, path);
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 3, walked.files.length));
  await Promise.all(Array.from({ length: n }, worker));

  const all = [...walked.failed, ...outcomes];
  return {
    imported: all.filter((o) => o.status === 'imported').length,
    duplicates: all.filter((o) => o.status === 'duplicate').length,
    failed: all.filter((o) => o.status === 'failed').length,
    skipped: walked.skipped,
    outcomes: all
  };
}

async function importOne(
  db: Database.Database,
  libraryDir: string,
  path: string,
  options: ImportOptions,
  inFlight: Map<string, Promise<number | null>>
): Promise<ImportOutcome> {
  const paths = libraryPaths(libraryDir);
  let copied: { tmp: string; sha256: string; bytes: number };
  try {
    copied = await copyHashed(path, paths.tmp);
  } catch (err) {
    if (err instanceof StudioError) return { path, status: 'failed', kind: err.kind, message: err.message };
    // The copy goes into the library's .tmp: a full disk there is the library's.
    if (isDiskFull(err))
      return { path, status: 'failed', kind: 'io', message: libraryFullMessage(await freeBytes(libraryDir)) };
    return { path, status: 'failed', ...describeFsError(err) };
  }
  let thumbTmp: string | null = null;
  try {
    // The same content twice in one batch: the second waits for the first and is its duplicate.
    const earlier = inFlight.get(copied.sha256);
    const existing = earlier ? await earlier : photoIdBySha(db, copied.sha256);
    if (existing !== null)
      return { path, status: 'duplicate', photoId: addDuplicateToAlbum(db, existing, options.albumId) };

    let settle!: (id: number | null) => void;
    inFlight.set(copied.sha256, new Promise((r) => (settle = r)));
    let photoId: number | null = null;
    try {
      const facts = await inspect(copied.tmp);
      thumbTmp = await writeThumbnail(copied.tmp, paths.tmp).catch((err: unknown) => {
        // A thumbnail that cannot be written is the library's disk, not the photo: judged below.
        throw isDiskFull(err) || isBareWriteError(err) ? err : describeDecodeError(err, facts.format);
      });
      const ext = STORED_EXTENSION[facts.format]!;
      await moveIntoPlace(copied.tmp, paths.original(copied.sha256, ext));
      await moveIntoPlace(thumbTmp, paths.thumb(copied.sha256));
      thumbTmp = null;
      photoId = insertPhoto(
        db,
        { sha256: copied.sha256, fileName: baseName(path), ext, bytes: copied.bytes, facts },
        options.albumId
      );
      return { path, status: 'imported', photoId };
    } finally {
      settle(photoId);
      inFlight.delete(copied.sha256);
    }
  } catch (err) {
    const full = await libraryFull(libraryDir, err);
    if (full) return { path, status: 'failed', kind: 'io', message: full };
    const sniffed = await sniffUndecodable(copied.tmp);
    const described = sniffed
      ? describeDecodeError(err, sniffed)
      : err instanceof StudioError
        ? err
        : describeDecodeError(err);
    const shape = toErrorShape(described);
    return { path, status: 'failed', kind: shape.kind, message: shape.message };
  } finally {
    await rm(copied.tmp, { force: true });
    if (thumbTmp) await rm(thumbTmp, { force: true });
  }
}

/** The sentence for a file that failed because the library's disk is full (SQLite's SQLITE_FULL included), or null. */
async function libraryFull(libraryDir: string, err: unknown): Promise<string | null> {
  if (!isDiskFull(err) && !isBareWriteError(err)) return null;
  const free = await freeBytes(libraryDir);
  // libvips says only "write error": taken as a full disk when the disk is nearly so.
  if (!isDiskFull(err) && (free === null || free > LOW_SPACE))
    return `cannot write into the library: ${(err as Error).message}`;
  return libraryFullMessage(free);
}

/** Header-only checks before the full decode: format we keep, pixel limit. */
async function inspect(file: string): Promise<ImageFacts> {
  let meta: sharp.Metadata;
  try {
    // Header only, no limit here: the size check below names the actual megapixels.
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw describeDecodeError(err);
  }
  // sharp names both HEIC and AVIF "heif"; only AV1-compressed HEIF is AVIF.
  const format = meta.format === 'heif' ? (meta.compression === 'av1' ? 'avif' : 'heif') : (meta.format ?? 'unknown');
  if (format === 'heif') throw describeDecodeError(new Error('heif'), 'heif');
  if (!(format in STORED_EXTENSION)) {
    throw new StudioError(
      'unsupported-format',
      `${format.toUpperCase()} is not a photo format Heirloom imports (JPEG, PNG, TIFF, WebP, AVIF, GIF, BMP)`
    );
  }
  const facts = imageFacts({ ...meta, format: format as sharp.Metadata['format'] });
  if (facts.width * facts.height > MAX_PIXELS) {
    throw tooLarge(facts.width, facts.height);
  }
  return facts;
}

/**
 * Real photo formats the prebuilt decoder lacks, recognised by their first
 * bytes so the message names them (HEIC by its ISO-BMFF brand, not AVIF; BMP).
 */
async function sniffUndecodable(file: string): Promise<'heif' | 'bmp' | null> {
  const fh = await open(file, 'r').catch(() => null);
  if (!fh) return null;
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(14), 0, 14, 0);
    if (bytesRead >= 14 && buffer.toString('latin1', 0, 2) === 'BM' && buffer.readUInt32LE(2) > 14) return 'bmp';
    if (bytesRead < 12 || buffer.toString('latin1', 4, 8) !== 'ftyp') return null;
    return ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(buffer.toString('latin1', 8, 12))
      ? 'heif'
      : null;
  } finally {
    await fh.close();
  }
}

function baseName(path: string): string {
  return path.split(/[/\\]/).pop() || path;
}
