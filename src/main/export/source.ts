/**
 * Reads what an export needs from the library: the album and its photos in
 * album order (or the selected photos in the order given), each photo's
 * original in the content-addressed store and its current version. Read-only;
 * one snapshot (a read transaction) so a concurrent reorder cannot mix two orders.
 */
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError } from '../../shared/errors.ts';
import { parseCrop } from '../../shared/crop.ts';
import type { Rotation } from '../../shared/types.ts';
import type { ExportItem } from './types.ts';

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
}

/** Finds an album by id. */
export function albumById(db: Database.Database, albumId: number): AlbumRow {
  const row = db.prepare('SELECT id, name FROM albums WHERE id = ?').get(albumId) as AlbumRow | undefined;
  if (!row) throw new StudioError('not-found', `no album with id ${albumId}`);
  return row;
}

/** Finds an album by name: exact match first, then a unique case-insensitive one. */
export function albumByName(db: Database.Database, name: string): AlbumRow {
  const exact = db.prepare('SELECT id, name FROM albums WHERE name = ?').all(name) as AlbumRow[];
  if (exact.length === 1) return exact[0];
  const folded = db.prepare('SELECT id, name FROM albums WHERE lower(name) = lower(?)').all(name) as AlbumRow[];
  if (folded.length === 1) return folded[0];
  if (folded.length > 1) {
    throw new StudioError('conflict', `several albums are called "${name}" (ids ${folded.map((a) => a.id).join(', ')})`);
  }
  const known = (db.prepare('SELECT name FROM albums ORDER BY name').all() as { name: string }[]).map((a) => `"${a.name}"`);
  throw new StudioError('not-found', `no album called "${name}"${known.length ? `; albums: ${known.join(', ')}` : ''}`);
}

/** `<libraryDir>/originals/ab/<sha256>.<ext>`: the extension is whatever import kept, so look it up. */
async function originalPath(libraryDir: string, sha256: string, cache: Map<string, string[]>): Promise<string> {
  const shard = join(libraryDir, 'originals', sha256.slice(0, 2));
  let names = cache.get(shard);
  if (!names) {
    names = await readdir(shard).catch(() => []);
    cache.set(shard, names);
  }
  const hit = names.find((n) => n === sha256 || n.startsWith(`${sha256}.`));
  // A missing original is reported by the export with the photo's name, not here.
  return join(shard, hit ?? sha256);
}

function parseOptions(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One consistent read of the album and its photos in album order (synchronous: no await inside). */
export function albumSnapshot(db: Database.Database, albumId: number): { album: AlbumRow; rows: PhotoRow[] } {
  return db.transaction(() => ({ album: albumById(db, albumId), rows: albumRows(db, albumId) }))();
}

const PHOTO_COLUMNS = `p.id, p.sha256, p.file_name, p.caption, p.rotation, p.tilt, p.crop, p.taken_at,
              v.id AS version_id, v.output_path, v.model_id, v.options, v.created_at`;

function albumRows(db: Database.Database, albumId: number): PhotoRow[] {
  return db
    .prepare(
      `SELECT ${PHOTO_COLUMNS}
         FROM album_photos ap
         JOIN photos p ON p.id = ap.photo_id
         LEFT JOIN versions v ON v.id = p.current_version_id AND v.photo_id = p.id
        WHERE ap.album_id = ?
        ORDER BY ap.position, p.id`
    )
    .all(albumId) as PhotoRow[];
}

/**
 * The selected photos in the order given, each once. One consistent read; a photo that is not in the
 * library (removed since it was selected) fails the export by its id rather than making it silently shorter.
 */
export function selectionSnapshot(db: Database.Database, photoIds: number[]): PhotoRow[] {
  const ids = [...new Set(photoIds)];
  const rows = db
    .prepare(
      `SELECT ${PHOTO_COLUMNS}
         FROM photos p
         LEFT JOIN versions v ON v.id = p.current_version_id AND v.photo_id = p.id
        WHERE p.id IN (SELECT value FROM json_each(?))`
    )
    .all(JSON.stringify(ids)) as PhotoRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new StudioError('not-found', `no photo with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''} in the library`);
  }
  return ids.map((id) => byId.get(id)!);
}

/** Resolves snapshot rows to files on disk. */
export async function resolveItems(libraryDir: string, rows: PhotoRow[]): Promise<ExportItem[]> {
  const cache = new Map<string, string[]>();
  const items: ExportItem[] = [];
  for (const r of rows) {
    items.push({
      photoId: r.id,
      sha256: r.sha256,
      fileName: r.file_name,
      caption: r.caption,
      takenAt: r.taken_at ?? null,
      originalPath: await originalPath(libraryDir, r.sha256, cache),
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
