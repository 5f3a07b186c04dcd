/**
 * Turns the rows an export read (`library/queries/export-source.ts`) into the
 * files it writes from: each photo's original in the store, its frame and its
 * current version's output.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseCrop } from '../../shared/crop.ts';
import type { PhotoRow } from '../library/queries/export-source.ts';
import { libraryPaths } from '../paths.ts';
import type { ExportItem } from './types.ts';

function parseOptions(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Resolves snapshot rows to files on disk. */
export function resolveItems(libraryDir: string, rows: PhotoRow[]): ExportItem[] {
  const paths = libraryPaths(libraryDir);
  const items: ExportItem[] = [];
  for (const r of rows) {
    items.push({
      photoId: r.id,
      sha256: r.sha256,
      fileName: r.file_name,
      caption: r.caption,
      takenAt: r.taken_at ?? null,
      // A missing original is reported by the export with the photo's name.
      originalPath: paths.original(r.sha256, r.ext),
      frame: { rotation: r.rotation ?? 0, tilt: r.tilt ?? 0, crop: parseCrop(r.crop ?? null) },
      version:
        r.version_id !== null && r.output_path
          ? {
              id: r.version_id,
              outputPath: isAbsolute(r.output_path) ? r.output_path : resolve(libraryDir, r.output_path),
              modelId: r.model_id,
              options: parseOptions(r.options),
              createdAt: r.created_at
            }
          : null
    });
  }
  return items;
}
