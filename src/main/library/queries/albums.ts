/** Albums: ordered membership (`album_photos.position`); a photo may be in many albums. */
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/errors.ts';
import type { Album } from '../../../shared/types.ts';
import { statement } from './statement.ts';

const ALBUM_SELECT = `SELECT a.id, a.name, a.created_at AS createdAt,
  (SELECT COUNT(*) FROM album_photos ap WHERE ap.album_id = a.id) AS photoCount,
  (SELECT ap.photo_id FROM album_photos ap WHERE ap.album_id = a.id ORDER BY ap.position LIMIT 1) AS coverPhotoId
  FROM albums a`;

/** The album of that name, whatever its case (`heirloom import --album` adds to it rather than making a second). */
export function albumIdByName(db: Database.Database, name: string): number | undefined {
  return statement(db, 'SELECT id FROM albums WHERE lower(name) = lower(?)').pluck().get(name) as number | undefined;
}

export function listAlbums(db: Database.Database): Album[] {
  return statement(db, `${ALBUM_SELECT} ORDER BY a.name COLLATE NOCASE, a.id`).all() as Album[];
}

export function getAlbum(db: Database.Database, id: number): Album {
  const album = statement(db, `${ALBUM_SELECT} WHERE a.id = ?`).get(id) as Album | undefined;
  if (!album) throw new StudioError('not-found', `no album with id ${id}`);
  return album;
}

function assertNameFree(db: Database.Database, name: string, except?: number): void {
  const clash = statement(db, 'SELECT id FROM albums WHERE lower(name) = lower(?) AND id IS NOT ?').get(
    name,
    except ?? null
  );
  if (clash) throw new StudioError('conflict', `an album called "${name}" already exists`);
}

export function createAlbum(db: Database.Database, name: string): Album {
  const clean = name.trim();
  return db.transaction(() => {
    assertNameFree(db, clean);
    const info = statement(db, 'INSERT INTO albums (name, created_at) VALUES (?, ?)').run(
      clean,
      new Date().toISOString()
    );
    return getAlbum(db, Number(info.lastInsertRowid));
  })();
}

export function renameAlbum(db: Database.Database, id: number, name: string): Album {
  const clean = name.trim();
  return db.transaction(() => {
    getAlbum(db, id);
    assertNameFree(db, clean, id);
    statement(db, 'UPDATE albums SET name = ? WHERE id = ?').run(clean, id);
    return getAlbum(db, id);
  })();
}

/** Deletes the album and its membership, never its photos. */
export function deleteAlbum(db: Database.Database, id: number): void {
  if (statement(db, 'DELETE FROM albums WHERE id = ?').run(id).changes === 0)
    throw new StudioError('not-found', `no album with id ${id}`);
}

function assertPhotosExist(db: Database.Database, ids: number[]): void {
  const exists = statement(db, 'SELECT 1 FROM photos WHERE id = ?').pluck();
  for (const id of ids) if (!exists.get(id)) throw new StudioError('not-found', `no photo with id ${id}`);
}

/** Appends photos not yet in the album, in the order given. */
export function addToAlbum(db: Database.Database, id: number, photoIds: number[]): Album {
  return db.transaction(() => {
    getAlbum(db, id);
    assertPhotosExist(db, photoIds);
    let next =
      (statement(db, 'SELECT COALESCE(MAX(position), -1) + 1 FROM album_photos WHERE album_id = ?')
        .pluck()
        .get(id) as number) ?? 0;
    const insert = statement(db, 'INSERT OR IGNORE INTO album_photos (album_id, photo_id, position) VALUES (?, ?, ?)');
    for (const pid of photoIds) if (insert.run(id, pid, next).changes > 0) next++;
    return getAlbum(db, id);
  })();
}

export function removeFromAlbum(db: Database.Database, id: number, photoIds: number[]): Album {
  return db.transaction(() => {
    getAlbum(db, id);
    const del = statement(db, 'DELETE FROM album_photos WHERE album_id = ? AND photo_id = ?');
    for (const pid of photoIds) del.run(id, pid);
    return getAlbum(db, id);
  })();
}

/**
 * New order: the photos given come first in that order, members left out keep
 * their relative order after them (so a reorder of a visible page never drops
 * the rest). Ids that are not members are an error.
 */
export function reorderAlbum(db: Database.Database, id: number, photoIds: number[]): Album {
  return db.transaction(() => {
    getAlbum(db, id);
    const members = statement(db, 'SELECT photo_id FROM album_photos WHERE album_id = ? ORDER BY position')
      .pluck()
      .all(id) as number[];
    const memberSet = new Set(members);
    const seen = new Set<number>();
    for (const pid of photoIds) {
      if (!memberSet.has(pid)) throw new StudioError('invalid-input', `photo ${pid} is not in album ${id}`);
      if (seen.has(pid)) throw new StudioError('invalid-input', `photo ${pid} appears twice in the new order`);
      seen.add(pid);
    }
    const order = [...photoIds, ...members.filter((m) => !seen.has(m))];
    const set = statement(db, 'UPDATE album_photos SET position = ? WHERE album_id = ? AND photo_id = ?');
    order.forEach((pid, i) => set.run(i, id, pid));
    return getAlbum(db, id);
  })();
}
