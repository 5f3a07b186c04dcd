/**
 * Library queries over a real SQLite file: migrations, albums (ordered,
 * many-to-many), tags, free-text search, paging/sorting, versions as current,
 * and removal that deletes the library's copies but never the user's files.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { importPaths } from '../../src/main/import/import-files.ts';
import { migrations } from '../../src/main/library/migrations.ts';
import { migrate, openLibrary } from '../../src/main/library/open-library.ts';
import * as albums from '../../src/main/library/queries/albums.ts';
import * as photos from '../../src/main/library/queries/photos.ts';
import { listTags, setTags } from '../../src/main/library/queries/tags.ts';
import { libraryPaths } from '../../src/main/paths.ts';
import { makePhoto } from '../helpers/images.ts';

let work: string;
let lib: string;
let db: Database.Database;
const ids: Record<string, number> = {};

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-queries-'));
  lib = join(work, 'library');
  db = openLibrary(lib);
  const names = ['IMG_0042.jpg', 'beach-1962.jpg', 'wedding_portrait.jpg', 'Grandma Rosa.jpg', 'farm-horses.jpg'];
  for (const [i, n] of names.entries())
    await makePhoto(join(work, 'in', n), 64, 48, {
      seed: i + 1,
      exif: i === 1 ? { takenAt: '1962:08:01 10:00:00' } : undefined
    });
  const report = await importPaths(
    db,
    lib,
    names.map((n) => join(work, 'in', n)),
    { concurrency: 1 }
  );
  for (const o of report.outcomes) if (o.status === 'imported') ids[o.path.split('/').pop()!] = o.photoId;
  assert.equal(Object.keys(ids).length, names.length);
});
after(async () => {
  db.close();
  await rm(work, { recursive: true, force: true });
});

const list = (q: Partial<Parameters<typeof photos.listPhotos>[1]> = {}) =>
  photos.listPhotos(db, { offset: 0, limit: 100, sort: 'imported', ...q }).items.map((p) => p.fileName);

test('migrations are recorded in user_version; a newer library is refused', async () => {
  assert.equal(db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  const other = join(work, 'future');
  openLibrary(other).close();
  const raw = new Database(libraryPaths(other).db);
  raw.pragma('user_version = 999');
  raw.close();
  assert.throws(() => openLibrary(other), /newer Heirloom \(schema 999/);
});

test('paging, sorting and the total', () => {
  const page = photos.listPhotos(db, { offset: 1, limit: 2, sort: 'name' });
  assert.equal(page.total, 5);
  assert.deepEqual(
    page.items.map((p) => p.fileName),
    ['farm-horses.jpg', 'Grandma Rosa.jpg']
  );
  assert.equal(list({ sort: 'taken' })[0], 'beach-1962.jpg', 'dated photos first');
});

test('search matches word prefixes of names, captions and tags; operators are plain text', () => {
  assert.deepEqual(list({ search: 'beach' }), ['beach-1962.jpg']);
  assert.deepEqual(list({ search: '0042' }), ['IMG_0042.jpg']);
  assert.deepEqual(list({ search: 'wedd' }), ['wedding_portrait.jpg']);
  assert.deepEqual(list({ search: 'rosa grand' }), ['Grandma Rosa.jpg']);
  photos.updatePhoto(db, ids['farm-horses.jpg']!, { caption: 'Uncle Józef with the horses, spring 1958' });
  assert.deepEqual(list({ search: 'jozef' }), ['farm-horses.jpg'], 'diacritics folded');
  setTags(db, ids['IMG_0042.jpg']!, ['Christmas', 'family']);
  assert.deepEqual(list({ search: 'christ' }), ['IMG_0042.jpg']);
  assert.deepEqual(list({ search: 'NOT OR' }), []);
  assert.deepEqual(list({ search: '"*()' }), []);
  photos.updatePhoto(db, ids['farm-horses.jpg']!, { caption: null });
  assert.deepEqual(list({ search: 'jozef' }), []);
});

test('search finds photos by the year, decade and month they were taken, as imported or set by hand', () => {
  // beach-1962.jpg's EXIF says 1 August 1962.
  assert.deepEqual(list({ search: 'august' }), ['beach-1962.jpg']);
  assert.deepEqual(list({ search: '1960s' }), ['beach-1962.jpg']);
  assert.deepEqual(list({ search: '01' }), [], 'not by its day');
  photos.updatePhoto(db, ids['wedding_portrait.jpg']!, { takenAt: '1958-06' });
  assert.deepEqual(list({ search: '1950s june' }), ['wedding_portrait.jpg']);
  assert.deepEqual(list({ search: '1958' }), ['wedding_portrait.jpg']);
  photos.updatePhoto(db, ids['wedding_portrait.jpg']!, { takenAt: null });
  assert.deepEqual(list({ search: '1958' }), []);
  assert.throws(
    () => photos.updatePhoto(db, ids['wedding_portrait.jpg']!, { takenAt: 'soon' }),
    /"soon" is not a date/
  );
});

test('a library from before the date search gets every photo indexed by date when it opens', () => {
  // Migration 4 (and the ones after it) again over an index without dates,
  // as a library written by the version before has.
  db.exec(
    'DROP TABLE photo_search; CREATE VIRTUAL TABLE photo_search USING fts5(file_name, caption, tags); ALTER TABLE photos DROP COLUMN crop; ALTER TABLE photos DROP COLUMN tilt'
  );
  db.pragma('user_version = 3');
  assert.equal(migrate(db), migrations.at(-1)!.version);
  assert.deepEqual(list({ search: 'august' }), ['beach-1962.jpg']);
  assert.deepEqual(list({ search: 'rosa grand' }), ['Grandma Rosa.jpg'], 'names are indexed again too');
});

test('tags: set replaces, case-insensitive duplicates collapse, unused tags disappear', () => {
  const id = ids['beach-1962.jpg']!;
  assert.deepEqual(setTags(db, id, ['summer', 'Summer', ' sea ', 'family']), ['family', 'sea', 'summer']);
  assert.deepEqual(list({ tag: 'family' }).sort(), ['IMG_0042.jpg', 'beach-1962.jpg']);
  assert.deepEqual(
    listTags(db).find((t) => t.name === 'family'),
    { name: 'family', count: 2 }
  );
  setTags(db, id, []);
  assert.equal(
    listTags(db).find((t) => t.name === 'sea'),
    undefined
  );
  assert.deepEqual(photos.getPhoto(db, id).tags, []);
});

test('albums: ordered membership, a photo in several albums, reorder, rename clash, delete keeps photos', () => {
  const a = albums.createAlbum(db, 'Summer');
  const b = albums.createAlbum(db, 'Family');
  assert.throws(() => albums.createAlbum(db, ' summer '), /already exists/);
  albums.addToAlbum(db, a.id, [ids['beach-1962.jpg']!, ids['IMG_0042.jpg']!, ids['farm-horses.jpg']!]);
  albums.addToAlbum(db, a.id, [ids['beach-1962.jpg']!]);
  albums.addToAlbum(db, b.id, [ids['beach-1962.jpg']!]);
  assert.deepEqual(list({ albumId: a.id, sort: 'album' }), ['beach-1962.jpg', 'IMG_0042.jpg', 'farm-horses.jpg']);
  assert.deepEqual(photos.getPhoto(db, ids['beach-1962.jpg']!).albumIds, [a.id, b.id]);
  const r = albums.reorderAlbum(db, a.id, [ids['farm-horses.jpg']!]);
  assert.equal(r.coverPhotoId, ids['farm-horses.jpg']);
  assert.deepEqual(list({ albumId: a.id, sort: 'album' }), ['farm-horses.jpg', 'beach-1962.jpg', 'IMG_0042.jpg']);
  assert.throws(() => albums.reorderAlbum(db, a.id, [ids['wedding_portrait.jpg']!]), /not in album/);
  assert.throws(() => albums.addToAlbum(db, a.id, [99999]), /no photo with id 99999/);
  albums.removeFromAlbum(db, a.id, [ids['IMG_0042.jpg']!]);
  assert.equal(albums.getAlbum(db, a.id).photoCount, 2);
  assert.throws(() => albums.renameAlbum(db, b.id, 'SUMMER'), /already exists/);
  assert.equal(albums.renameAlbum(db, b.id, 'Family 1960s').name, 'Family 1960s');
  albums.deleteAlbum(db, b.id);
  assert.throws(() => albums.getAlbum(db, b.id), /no album/);
  assert.equal(photos.listPhotos(db, { offset: 0, limit: 10, sort: 'imported' }).total, 5);
});

test('current version must belong to the photo', () => {
  const id = ids['wedding_portrait.jpg']!;
  const v = db
    .prepare(
      `INSERT INTO versions (photo_id, kind, model_id, model_sha256, output_path, created_at) VALUES (?, 'restore', 'm', 'x', 'versions/1/o.png', 'now')`
    )
    .run(ids['beach-1962.jpg']!).lastInsertRowid;
  assert.throws(() => photos.updatePhoto(db, id, { currentVersionId: Number(v) }), /belongs to another photo/);
  assert.equal(
    photos.updatePhoto(db, ids['beach-1962.jpg']!, { currentVersionId: Number(v) }).currentVersionId,
    Number(v)
  );
});

test('the restored filter keeps photos with a current version, or those without, and combines with the others', () => {
  const before = list();
  const v = db
    .prepare(
      `INSERT INTO versions (photo_id, kind, model_id, model_sha256, output_path, created_at) VALUES (?, 'restore', 'm', 'x', 'versions/2/o.png', 'now')`
    )
    .run(ids['farm-horses.jpg']!).lastInsertRowid;
  photos.updatePhoto(db, ids['farm-horses.jpg']!, { currentVersionId: Number(v) });
  const restored = before.filter((n) => photos.getPhoto(db, ids[n]!).currentVersionId !== null);
  assert.ok(restored.includes('farm-horses.jpg'));
  assert.deepEqual(list({ restored: true }), restored);
  assert.deepEqual(
    list({ restored: false }),
    before.filter((n) => !restored.includes(n))
  );
  assert.deepEqual(list({ restored: true, search: 'farm' }), ['farm-horses.jpg']);
  assert.deepEqual(list({ restored: false, search: 'farm' }), []);
  assert.equal(
    photos.listPhotos(db, { offset: 0, limit: 1, sort: 'imported', restored: false }).total,
    before.length - restored.length
  );
  photos.updatePhoto(db, ids['farm-horses.jpg']!, { currentVersionId: null });
  assert.ok(list({ restored: false }).includes('farm-horses.jpg'));
});

test('removing photos deletes rows and the library copies, never the source files', () => {
  const id = ids['Grandma Rosa.jpg']!;
  const p = photos.getPhotoRow(db, id);
  const paths = libraryPaths(lib);
  assert.ok(existsSync(paths.original(p.sha256, p.ext)));
  assert.throws(() => photos.removePhotoRows(db, [id, 424242]), /no photo with id 424242/);
  assert.ok(photos.getPhoto(db, id), 'nothing removed when one id is unknown');
  const gone = photos.removePhotoRows(db, [id]);
  assert.deepEqual(
    gone.map((g) => g.sha256),
    [p.sha256]
  );
  assert.throws(() => photos.getPhoto(db, id), /no photo/);
  assert.deepEqual(list({ search: 'rosa' }), []);
  assert.ok(existsSync(join(work, 'in', 'Grandma Rosa.jpg')), 'the user file is untouched');
});
