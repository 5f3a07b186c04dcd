/**
 * What an export reads from the library: the album and its photos in album
 * order, or the selected photos in the order given, each with its current
 * version. One snapshot (a read transaction) so a concurrent reorder cannot
 * mix two orders.
 */
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/errors.ts';
import type { Rotation } from '../../../shared/types.ts';
import { statement } from './statement.ts';

/** An album's identity. */
export interface AlbumRow {
  id: number;
  name: string;
}

/** A photo of the album as stored (see `albumSnapshot`). */
export interface PhotoRow {
  id: number;
  sha256: string;
  file_name: string;
  caption: string | null;
  rotation: Rotation;
  tilt: number;
  crop: string | null;
  taken_at: string | null;
  version_id: number | null;
  output_path: string | null;
  model_id: string | null;
  options: string | null;
  created_at: string | null;
  ext: string;
}

/** Finds an album by id. */
export function albumById(db: Database.Database, albumId: number): AlbumRow {
  const row = statement(db, 'SELECT id, name FROM albums WHERE id = ?').get(albumId) as AlbumRow | undefined;
  if (!row) throw new StudioError('not-found', `no album with id ${albumId}`);
  return row;
}

/** Finds an album by name: exact match first, then a unique case-insensitive one. */
export function albumByName(db: Database.Database, name: string): AlbumRow {
  const exact = statement(db, 'SELECT id, name FROM albums WHERE name = ?').all(name) as AlbumRow[];
  if (exact.length === 1) return exact[0];
  const folded = statement(db, 'SELECT id, name FROM albums WHERE lower(name) = lower(?)').all(name) as AlbumRow[];
  if (folded.length === 1) return folded[0];
  if (folded.length > 1) {
    throw new StudioError(
      'conflict',
      `several albums are called "${name}" (ids ${folded.map((a) => a.id).join(', ')})`
    );
  }
  const known = (statement(db, 'SELECT name FROM albums ORDER BY name').all() as { name: string }[]).map(
    (a) => `"${a.name}"`
  );
  throw new StudioError('not-found', `no album called "${name}"${known.length ? `; albums: ${known.join(', ')}` : ''}`);
}

/** One consistent read of the album and its photos in album order (synchronous: no await inside). */
export function albumSnapshot(db: Database.Database, albumId: number): { album: AlbumRow; rows: PhotoRow[] } {
  return db.transaction(() => ({ album: albumById(db, albumId), rows: albumRows(db, albumId) }))();
}

const PHOTO_COLUMNS = `p.id, p.sha256, p.ext, p.file_name, p.caption, p.rotation, p.tilt, p.crop, p.taken_at,
              v.id AS version_id, v.output_path, v.model_id, v.options, v.created_at`;

function albumRows(db: Database.Database, albumId: number): PhotoRow[] {
  return statement(
    db,
    `SELECT ${PHOTO_COLUMNS}
         FROM album_photos ap
         JOIN photos p ON p.id = ap.photo_id
         LEFT JOIN versions v ON v.id = p.current_version_id AND v.photo_id = p.id
        WHERE ap.album_id = ?
        ORDER BY ap.position, p.id`
  ).all(albumId) as PhotoRow[];
}

/**
 * The selected photos in the order given, each once. One consistent read; a photo that is not in the
 * library (removed since it was selected) fails the export by its id rather than making it silently shorter.
 */
export function selectionSnapshot(db: Database.Database, photoIds: number[]): PhotoRow[] {
  const ids = [...new Set(photoIds)];
  const rows = statement(
    db,
    `SELECT ${PHOTO_COLUMNS}
         FROM photos p
         LEFT JOIN versions v ON v.id = p.current_version_id AND v.photo_id = p.id
        WHERE p.id IN (SELECT value FROM json_each(?))`
  ).all(JSON.stringify(ids)) as PhotoRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new StudioError(
      'not-found',
      `no photo with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''} in the library`
    );
  }
  return ids.map((id) => byId.get(id)!);
}
