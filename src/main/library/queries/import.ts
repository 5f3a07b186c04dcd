/** The rows an import writes: a new photo, or a duplicate found by its content. */
import type Database from 'better-sqlite3';
import type { ImageFacts } from '../../image/metadata.ts';
import { reindexPhoto } from './search.ts';
import { statement } from './statement.ts';

export function albumExists(db: Database.Database, albumId: number): boolean {
  return statement(db, 'SELECT 1 FROM albums WHERE id = ?').get(albumId) !== undefined;
}

export function photoIdBySha(db: Database.Database, sha256: string): number | null {
  return (statement(db, 'SELECT id FROM photos WHERE sha256 = ?').pluck().get(sha256) as number | undefined) ?? null;
}

/** A file imported again joins the album it was imported into this time. */
export function addDuplicateToAlbum(db: Database.Database, photoId: number, albumId: number | undefined): number {
  if (albumId !== undefined) db.transaction(() => addToAlbumEnd(db, albumId, photoId))();
  return photoId;
}

function addToAlbumEnd(db: Database.Database, albumId: number, photoId: number): void {
  statement(
    db,
    `INSERT OR IGNORE INTO album_photos (album_id, photo_id, position)
     VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM album_photos WHERE album_id = ?))`
  ).run(albumId, photoId, albumId);
}

/** The photo's row, its search entry and its place at the album's end, together or not at all. */
export function insertPhoto(
  db: Database.Database,
  p: { sha256: string; fileName: string; ext: string; bytes: number; facts: ImageFacts },
  albumId: number | undefined
): number {
  return db.transaction(() => {
    const f = p.facts;
    const info = statement(
      db,
      `INSERT INTO photos (sha256, file_name, ext, format, width, height, bit_depth, channels, bytes, taken_at, orientation, camera, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ).run(
      p.sha256,
      p.fileName,
      p.ext,
      f.format,
      f.width,
      f.height,
      f.bitDepth,
      f.channels,
      p.bytes,
      f.takenAt,
      f.orientation,
      f.camera,
      new Date().toISOString()
    );
    const id = Number(info.lastInsertRowid);
    reindexPhoto(db, id);
    // The album may have been deleted while the file was decoding: the photo still lands in the library.
    if (albumId !== undefined && albumExists(db, albumId)) addToAlbumEnd(db, albumId, id);
    return id;
  })();
}
