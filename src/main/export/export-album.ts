/**
 * Export entry point shared by IPC, the browser bridge and the CLI:
 * `exportAlbum(db, libraryDir, request, onProgress, signal)` exports an album
 * (`albumId`) or a selection of photos (`photoIds`).
 */
import { randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError } from '../../shared/errors.ts';
import { exportRequest, type ExportRequestInput } from '../../shared/schemas.ts';
import type { ExportProgress, ExportResult } from '../../shared/types.ts';
import { checkDestination } from './destination-check.ts';
import { exportItems } from './export-items.ts';
import { albumSnapshot, selectionSnapshot } from '../library/queries/export-source.ts';
import { resolveItems } from './source.ts';

/**
 * Exports one album, or the given photos in the given order. The request is validated here too (the CLI calls this
 * directly), so an invalid one is a `StudioError('invalid-input')`.
 * See `export-items.ts` for the policies (unrestored photos, orientation,
 * never overwrite, atomic).
 */
export async function exportAlbum(
  db: Database.Database,
  libraryDir: string,
  request: ExportRequestInput,
  onProgress?: (p: ExportProgress) => void,
  signal?: AbortSignal
): Promise<ExportResult> {
  const parsed = exportRequest.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StudioError(
      'invalid-input',
      `invalid export request: ${issue.path.join('.') || 'request'}: ${issue.message}`
    );
  }
  const r = parsed.data;
  if (!isAbsolute(r.destination.path)) {
    throw new StudioError(
      'invalid-input',
      `the export destination must be an absolute path, got "${r.destination.path}"`
    );
  }
  await checkDestination(r.destination);
  const { album, rows } =
    r.albumId !== undefined ? albumSnapshot(db, r.albumId) : { album: null, rows: selectionSnapshot(db, r.photoIds!) };
  const items = resolveItems(libraryDir, rows);
  return exportItems(
    items,
    album,
    {
      exportId: r.exportId ?? randomUUID(),
      what: r.what,
      format: r.format,
      quality: r.quality,
      destination: r.destination,
      manifest: r.manifest
    },
    onProgress,
    signal
  );
}
