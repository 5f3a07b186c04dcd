/**
 * Numbered schema migrations, applied in order inside one transaction each and
 * recorded in SQLite's `user_version`. Never edit a released migration: add the
 * next number.
 */
import type Database from 'better-sqlite3';
import { reindexPhoto } from './queries/search.ts';
import { statement } from './queries/statement.ts';

export const migrations: { version: number; name: string; sql: string; after?: (db: Database.Database) => void }[] = [
  {
    version: 1,
    name: 'photos, albums, tags, search, versions, jobs',
    sql: `
CREATE TABLE photos (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
  file_name TEXT NOT NULL,
  -- the extension the stored original carries in originals/ab/<sha256><ext>
  ext TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL,
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  bit_depth INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  taken_at TEXT,
  orientation INTEGER,
  camera TEXT,
  imported_at TEXT NOT NULL,
  caption TEXT,
  current_version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX photos_imported ON photos(imported_at, id);
CREATE INDEX photos_taken ON photos(taken_at, id);
CREATE INDEX photos_name ON photos(file_name COLLATE NOCASE, id);

CREATE TABLE albums (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE album_photos (
  album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (album_id, photo_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX album_photos_order ON album_photos(album_id, position);
CREATE INDEX album_photos_photo ON album_photos(photo_id);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
) STRICT;

CREATE TABLE photo_tags (
  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (photo_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX photo_tags_tag ON photo_tags(tag_id);

-- Free text over file name, caption and tags; rewritten by the queries that change them.
CREATE VIRTUAL TABLE photo_search USING fts5(file_name, caption, tags, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE versions (
  id INTEGER PRIMARY KEY,
  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('restore', 'rerun')),
  parent_version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
  model_id TEXT NOT NULL,
  model_sha256 TEXT NOT NULL,
  options TEXT,
  mask_path TEXT,
  output_path TEXT NOT NULL,
  latent_path TEXT,
  created_at TEXT NOT NULL,
  stats TEXT
) STRICT;
CREATE INDEX versions_photo ON versions(photo_id);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  photo_id INTEGER REFERENCES photos(id) ON DELETE CASCADE,
  version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  stage TEXT,
  progress REAL,
  options TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
) STRICT;
CREATE INDEX jobs_state ON jobs(state, id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`
  },
  {
    version: 2,
    name: 'date-taken order served by an index (undated photos last)',
    sql: `
DROP INDEX photos_taken;
CREATE INDEX photos_taken ON photos(taken_at IS NULL, taken_at, id);
`
  },
  {
    version: 3,
    name: 'quarter turns clockwise a photo is shown and restored at, on top of its EXIF orientation',
    sql: `
ALTER TABLE photos ADD COLUMN rotation INTEGER NOT NULL DEFAULT 0 CHECK (rotation IN (0, 90, 180, 270));
`
  },
  {
    version: 4,
    name: 'search finds photos by the year, decade and month they were taken',
    sql: `
DROP TABLE photo_search;
CREATE VIRTUAL TABLE photo_search USING fts5(file_name, caption, tags, taken, tokenize = 'unicode61 remove_diacritics 2');
`,
    // FTS rows are built by code (names split into words, dates into year, decade and month): rebuild them all.
    after: (db) => {
      for (const id of statement(db, 'SELECT id FROM photos').pluck().all() as number[]) reindexPhoto(db, id);
    }
  },
  {
    version: 5,
    name: 'straightening (degrees, clockwise) and the part of a scan that is the print: a crop of the photo as shown, left_top_width_height in pixels',
    sql: `
ALTER TABLE photos ADD COLUMN tilt REAL NOT NULL DEFAULT 0 CHECK (tilt BETWEEN -15 AND 15);
ALTER TABLE photos ADD COLUMN crop TEXT CHECK (crop IS NULL OR crop GLOB '[0-9]*_[0-9]*_[0-9]*_[0-9]*');
`
  }
];
