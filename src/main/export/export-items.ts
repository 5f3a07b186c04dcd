/**
 * The export itself, over photos already resolved to files: name, encode,
 * stage, write the manifest, move into place. Knows nothing of SQLite, so it
 * is the same for an album and for a selection of photos.
 *
 * Photos asked for as restored that have no current version are exported as
 * their original (named without " (restored)"), counted in `unrestored` and
 * marked with a note in the manifest: an album export should never silently
 * come out shorter than what was asked for.
 */
import { access, constants, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StudioError } from '../../shared/errors.ts';
import { freeBytes, isDiskFull, megabytes } from '../disk-space.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';
import type { ExportProgress, ExportResult } from '../../shared/types.ts';
import { folderSink, zipSink, type ExportSink } from './destination.ts';
import { encodeEntry, FORMAT_EXTENSION } from './encode.ts';
import { fileExtension, FileNamer } from './file-names.ts';
import { MANIFEST_FILES, manifestCsv, manifestJson, type ManifestHeader } from './manifest.ts';
import type { ExportFormat, ExportItem, ExportSourceKind, ExportWhat, ManifestEntry } from './types.ts';

/** The export options after validation (see `exportRequest` in src/shared/schemas.ts). */
export interface ExportOptions {
  exportId: string;
  what: ExportWhat;
  format: ExportFormat;
  quality: number;
  destination: { kind: 'folder' | 'zip'; path: string };
  manifest: 'json' | 'csv';
}

export const UNRESTORED_POLICY = 'photos without a restored version are exported as their original, with a note';
export const ORIENTATION_POLICY =
  're-encoded files have upright pixels (with the turn, straightening and crop given in the library) and EXIF Orientation 1; format "original" copies bytes untouched';

/** What an untouched copy of an original leaves out of how the library shows it, or null when nothing. */
export function untouchedNote(frame: PhotoFrame): string | null {
  const changes = [
    frame.rotation !== 0 ? `turned ${frame.rotation}°` : null,
    frame.tilt !== 0 ? `straightened ${frame.tilt}°` : null,
    frame.crop ? `cropped to ${frame.crop.width} × ${frame.crop.height}` : null
  ].filter((c) => c !== null);
  return changes.length === 0 ? null : `${changes.join(' and ')} in the library; this copy is not`;
}

interface Planned {
  item: ExportItem;
  source: ExportSourceKind;
  inputPath: string;
  note: string | null;
}

function plan(items: ExportItem[], what: ExportWhat, format: ExportFormat): Planned[] {
  const out: Planned[] = [];
  for (const item of items) {
    const original: Planned = { item, source: 'original', inputPath: item.originalPath, note: null };
    // Untouched bytes cannot carry the library's turn or crop: say so rather
    // than export the photo sideways or uncut unremarked.
    if (format === 'original') original.note = untouchedNote(item.frame);
    if (what === 'originals') out.push(original);
    else if (!item.version) {
      const unrestored = what === 'restored' ? 'not restored yet: original exported' : 'not restored yet';
      out.push({ ...original, note: original.note ? `${unrestored}; ${original.note}` : unrestored });
    } else {
      if (what === 'both') out.push(original);
      out.push({ item, source: 'restored', inputPath: item.version.outputPath, note: null });
    }
  }
  return out;
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new StudioError('cancelled', 'export cancelled');
}

/** Exports `items` (in order) as described by `options`; nothing is left behind on failure or cancel. */
export async function exportItems(
  items: ExportItem[],
  /** The album exported, or null for a selection of photos. */
  album: { id: number; name: string } | null,
  options: ExportOptions,
  onProgress: (p: ExportProgress) => void = () => {},
  signal?: AbortSignal
): Promise<ExportResult> {
  if (items.length === 0)
    throw new StudioError(
      'invalid-input',
      album ? `album "${album.name}" has no photos to export` : 'no photos to export'
    );
  const planned = plan(items, options.what, options.format);
  // Check every source up front: a missing original fails fast, before any pixels are written.
  for (const p of planned) {
    await access(p.inputPath, constants.R_OK).catch(() => {
      const which = p.source === 'original' ? 'original' : `restored version ${p.item.version?.id}`;
      throw new StudioError(
        'not-found',
        `photo ${p.item.photoId} (${p.item.fileName}): the ${which} file is missing: ${p.inputPath}`
      );
    });
  }
  checkAborted(signal);

  const manifestName = MANIFEST_FILES[options.manifest];
  const namer = new FileNamer(items.length, [manifestName]);
  const index = new Map(items.map((item, i) => [item.photoId, i + 1]));
  const sink: ExportSink = await (options.destination.kind === 'zip' ? zipSink : folderSink)(
    options.destination.path
  ).catch(async (err: unknown) => {
    throw isDiskFull(err) ? await destinationFull(options.destination, planned, 0, 0) : err;
  });
  const progress = (done: number, current: string | null, stage: ExportProgress['stage']) =>
    onProgress({ exportId: options.exportId, done, total: planned.length, current, stage });

  const entries: ManifestEntry[] = [];
  let bytes = 0;
  try {
    for (const [i, p] of planned.entries()) {
      checkAborted(signal);
      const restored = p.source === 'restored';
      const ext =
        options.format === 'original'
          ? fileExtension(p.inputPath) || fileExtension(p.item.fileName) || 'bin'
          : FORMAT_EXTENSION[options.format];
      const name = namer.name(index.get(p.item.photoId) ?? i + 1, p.item.caption, p.item.fileName, restored, ext);
      progress(i, name, 'writing');
      const written = await encodeEntry(
        {
          source: p.source,
          inputPath: p.inputPath,
          originalPath: p.item.originalPath,
          frame: restored ? null : p.item.frame,
          caption: p.item.caption,
          takenAt: p.item.takenAt,
          format: options.format,
          quality: options.quality
        },
        sink.pathFor(name)
      ).catch((err: unknown) => {
        const kind = err instanceof StudioError ? err.kind : 'io';
        throw new StudioError(kind, `photo ${p.item.photoId} (${p.item.fileName}): ${(err as Error).message}`);
      });
      // JPEG, PNG and deflate TIFF are compressed already; untouched originals may be BMP or raw TIFF.
      sink.add(name, options.format === 'original');
      bytes += written.bytes;
      entries.push({
        file: name,
        photoId: p.item.photoId,
        sha256: p.item.sha256,
        originalName: p.item.fileName,
        caption: p.item.caption,
        source: p.source,
        versionId: restored ? (p.item.version?.id ?? null) : null,
        modelId: restored ? (p.item.version?.modelId ?? null) : null,
        versionOptions: restored ? (p.item.version?.options ?? null) : null,
        format: options.format,
        quality: options.format === 'jpeg' ? options.quality : null,
        bytes: written.bytes,
        width: written.width,
        height: written.height,
        bitDepth: written.bitDepth,
        note: p.note,
        metadata: written.metadata
      });
    }
    checkAborted(signal);
    progress(planned.length, null, 'finishing');
    const header: ManifestHeader = {
      album,
      what: options.what,
      format: options.format,
      quality: options.format === 'jpeg' ? options.quality : null,
      createdAt: new Date().toISOString(),
      unrestoredPolicy: UNRESTORED_POLICY,
      orientationPolicy: ORIENTATION_POLICY
    };
    const text = options.manifest === 'json' ? manifestJson(header, entries) : manifestCsv(entries);
    await writeFile(sink.pathFor(manifestName), text, { flag: 'wx' });
    sink.add(manifestName, true);
    checkAborted(signal);
    const path = await sink.commit();
    progress(planned.length, null, 'done');
    return {
      exportId: options.exportId,
      path,
      kind: options.destination.kind,
      files: entries.length,
      bytes,
      unrestored: planned.filter((p) => p.note !== null).length,
      manifest: manifestName
    };
  } catch (err) {
    await sink.abort();
    if (isDiskFull(err)) throw await destinationFull(options.destination, planned, entries.length, bytes);
    throw err;
  }
}

/**
 * A full destination, said as such: how much room the export needs (what was written, and as much again
 * per photo still to go; a zip holds its files and itself while it is written), and that nothing else was
 * touched. Before this the user read that a restored photo "could not be read as an image".
 */
async function destinationFull(
  destination: ExportOptions['destination'],
  planned: Planned[],
  done: number,
  written: number
): Promise<StudioError> {
  const left = planned.length - done;
  const perFile =
    done > 0
      ? written / done
      : (
          await Promise.all(
            planned.map((p) =>
              stat(p.inputPath).then(
                (s) => s.size,
                () => 0
              )
            )
          )
        ).reduce((a, b) => a + b, 0) / planned.length;
  const need = (written + left * perFile) * (destination.kind === 'zip' ? 2 : 1);
  const parent = dirname(destination.path.replace(/[/\\]+$/, ''));
  const free = await freeBytes(parent);
  return new StudioError(
    'io',
    `the destination disk is full: ${parent} has ${free === null ? 'too little' : megabytes(free)} free, and this export needs about ${megabytes(need)}. Nothing was exported; the library and its photos are intact`
  );
}
