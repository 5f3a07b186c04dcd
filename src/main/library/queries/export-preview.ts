/**
 * Which version of each photo an export would write, for the export dialog to
 * show before anything is written: the photo's current version numbered as the
 * photo view numbers it (Version 1 is the oldest), or none (the original goes out).
 */
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/errors.ts';
import type { ExportPreview, ExportPreviewItem } from '../../../shared/types.ts';
import { statement } from './statement.ts';

interface Raw {
  photo_id: number;
  file_name: string;
  version_id: number | null;
  kind: 'restore' | 'rerun' | null;
  number: number | null;
}

// The current version's place among the photo's versions by id, as the versions panel counts them.
const COLUMNS = `p.id AS photo_id, p.file_name, v.id AS version_id, v.kind,
  (SELECT COUNT(*) FROM versions o WHERE o.photo_id = p.id AND o.id <= v.id) AS number`;

function item(r: Raw): ExportPreviewItem {
  return {
    photoId: r.photo_id,
    fileName: r.file_name,
    version: r.version_id === null ? null : { id: r.version_id, number: r.number ?? 1, rerun: r.kind === 'rerun' }
  };
}

/** The photos of an album (in album order) or of a selection (in the order given), each with its current version. */
export function exportPreview(db: Database.Database, target: { albumId?: number; photoIds?: number[] }): ExportPreview {
  if (target.albumId !== undefined) {
    if (!statement(db, 'SELECT 1 FROM albums WHERE id = ?').get(target.albumId))
      throw new StudioError('not-found', `no album with id ${target.albumId}`);
    const rows = statement(
      db,
      `SELECT ${COLUMNS} FROM album_photos ap JOIN photos p ON p.id = ap.photo_id
           LEFT JOIN versions v ON v.id = p.current_version_id
          WHERE ap.album_id = ? ORDER BY ap.position, p.id`
    ).all(target.albumId) as Raw[];
    return { items: rows.map(item) };
  }
  const ids = target.photoIds ?? [];
  const rows = statement(
    db,
    `SELECT ${COLUMNS} FROM photos p LEFT JOIN versions v ON v.id = p.current_version_id WHERE p.id IN (SELECT value FROM json_each(?))`
  ).all(JSON.stringify(ids)) as Raw[];
  const byId = new Map(rows.map((r) => [r.photo_id, r]));
  return { items: ids.filter((id) => byId.has(id)).map((id) => item(byId.get(id)!)) };
}
