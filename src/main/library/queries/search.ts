/**
 * The free-text index (`photo_search`, FTS5, rowid = photo id) and the
 * translation of a user's search box text into a safe MATCH expression.
 */
import type Database from 'better-sqlite3';
import { statement } from './statement.ts';

/** Rewrites the index row of one photo from its current name, caption and tags. */
export function reindexPhoto(db: Database.Database, photoId: number): void {
  const row = statement(
    db,
    `SELECT p.file_name AS fileName, p.caption AS caption, p.taken_at AS takenAt,
              (SELECT group_concat(t.name, ' ') FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = p.id) AS tags
         FROM photos p WHERE p.id = ?`
  ).get(photoId) as
    { fileName: string; caption: string | null; takenAt: string | null; tags: string | null } | undefined;
  statement(db, 'DELETE FROM photo_search WHERE rowid = ?').run(photoId);
  if (row) {
    statement(db, 'INSERT INTO photo_search (rowid, file_name, caption, tags, taken) VALUES (?, ?, ?, ?, ?)').run(
      photoId,
      splitName(row.fileName),
      row.caption ?? '',
      row.tags ?? '',
      takenWords(row.takenAt)
    );
  }
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];

/** `1962-07-14T…` → `1962 1960s July`: what people type to find a photo by when it was taken (not its day or time). */
function takenWords(taken: string | null): string {
  const m = taken && /^(\d{4})(?:-(\d\d))?/.exec(taken);
  if (!m) return '';
  return [m[1], `${m[1]!.slice(0, 3)}0s`, m[2] ? MONTHS[Number(m[2]) - 1] : ''].filter(Boolean).join(' ');
}

/** `IMG_0042.jpg` → `IMG 0042 jpg IMG_0042.jpg`: parts of a file name are words of their own. */
function splitName(name: string): string {
  return `${name.replace(/[_.-]+/g, ' ')} ${name}`;
}

/**
 * Every word the user typed must prefix-match some word of the photo. Words are
 * quoted, so FTS operators typed by the user are plain text. Null when the
 * text has no searchable word (only punctuation): the caller then matches nothing.
 */
export function matchExpression(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.map((w) => `"${w}"*`).join(' AND ');
}
