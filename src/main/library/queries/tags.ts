/** Tags: a photo's set, replaced as a whole; tags nobody uses are dropped. */
import type Database from 'better-sqlite3';
import type { TagCount } from '../../../shared/types.ts';
import { getPhotoRow } from './photos.ts';
import { reindexPhoto } from './search.ts';
import { statement } from './statement.ts';

export function listTags(db: Database.Database): TagCount[] {
  return statement(
    db,
    'SELECT t.name AS name, COUNT(pt.photo_id) AS count FROM tags t JOIN photo_tags pt ON pt.tag_id = t.id GROUP BY t.id ORDER BY t.name COLLATE NOCASE'
  ).all() as TagCount[];
}

/** Sets the photo's tags (case-insensitive duplicates collapse to the first spelling); returns them sorted. */
export function setTags(db: Database.Database, photoId: number, names: string[]): string[] {
  const unique = new Map<string, string>();
  for (const n of names.map((s) => s.trim()).filter(Boolean))
    if (!unique.has(n.toLowerCase())) unique.set(n.toLowerCase(), n);
  return db.transaction(() => {
    getPhotoRow(db, photoId);
    statement(db, 'DELETE FROM photo_tags WHERE photo_id = ?').run(photoId);
    const upsert = statement(db, 'INSERT INTO tags (name) VALUES (?) ON CONFLICT(name) DO NOTHING');
    const link = statement(
      db,
      'INSERT OR IGNORE INTO photo_tags (photo_id, tag_id) SELECT ?, id FROM tags WHERE name = ?'
    );
    for (const name of unique.values()) {
      upsert.run(name);
      link.run(photoId, name);
    }
    statement(db, 'DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM photo_tags)').run();
    reindexPhoto(db, photoId);
    return (
      statement(
        db,
        'SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = ? ORDER BY t.name COLLATE NOCASE'
      ).all(photoId) as { name: string }[]
    ).map((t) => t.name);
  })();
}
