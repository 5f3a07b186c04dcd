/**
 * What an export will write, asked before it runs (export:preview), over a real
 * library: a mask re-run is current as soon as it is made, and the preview
 * names it, numbered as the photo view numbers versions.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type Database from 'better-sqlite3';
import { addToAlbum, createAlbum } from '../../src/main/library/queries/albums.ts';
import { exportPreview } from '../../src/main/library/queries/export-preview.ts';
import { insertVersion, type VersionInput } from '../../src/main/library/queries/jobs-versions.ts';
import { validateArgs } from '../../src/main/services/index.ts';
import { addPhoto, openTestLibrary } from '../fixtures/jobs-library.ts';
import { colourPng, tempDir } from '../fixtures/pipeline-images.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let db: Database.Database;
const ids: Record<string, number> = {};

function version(photoId: number, kind: 'restore' | 'rerun', parentVersionId: number | null): VersionInput {
  return {
    photoId,
    kind,
    parentVersionId,
    modelId: 'm',
    modelSha256: 'a'.repeat(64),
    options: {},
    maskPath: null,
    outputPath: `versions/${photoId}/x.png`,
    latentPath: null,
    stats: {}
  };
}

const current = (photoId: number) =>
  (db.prepare('SELECT current_version_id AS c FROM photos WHERE id = ?').get(photoId) as { c: number | null }).c;

before(async () => {
  tmp = await tempDir('export-preview');
  const lib = join(tmp.dir, 'lib');
  db = await openTestLibrary(lib);
  for (const [name, width] of [
    ['lake.png', 40],
    ['porch.png', 41],
    ['barn.png', 42]
  ] as const) {
    await colourPng(join(tmp.dir, name), width, 30); // sizes differ so the files (content-addressed) do
    ids[name] = await addPhoto(db, lib, join(tmp.dir, name), width, 30);
  }
});
after(async () => {
  db.close();
  await tmp.cleanup();
});

test('a mask re-run becomes current; a later full restore does not take over', () => {
  const v1 = insertVersion(db, version(ids['lake.png'], 'restore', null));
  assert.equal(current(ids['lake.png']), v1.id, 'the first version is current');
  const v2 = insertVersion(db, version(ids['lake.png'], 'rerun', v1.id));
  assert.equal(current(ids['lake.png']), v2.id, 'the re-run the user asked for is current');
  insertVersion(db, version(ids['lake.png'], 'restore', null));
  assert.equal(current(ids['lake.png']), v2.id);
});

test('the preview lists an album in album order with each current version numbered as the photo view does', () => {
  insertVersion(db, version(ids['porch.png'], 'restore', null));
  const album = createAlbum(db, 'Summer');
  addToAlbum(db, album.id, [ids['barn.png'], ids['lake.png'], ids['porch.png']]);
  const preview = exportPreview(db, { albumId: album.id });
  assert.deepEqual(
    preview.items.map((i) => [i.fileName, i.version && { number: i.version.number, rerun: i.version.rerun }]),
    [
      ['barn.png', null],
      ['lake.png', { number: 2, rerun: true }],
      ['porch.png', { number: 1, rerun: false }]
    ]
  );
  assert.equal(preview.items[1].version!.id, current(ids['lake.png']));
});

test('a selection keeps the order given; unknown ids and albums are answered plainly', () => {
  const preview = exportPreview(db, { photoIds: [ids['porch.png'], ids['barn.png']] });
  assert.deepEqual(
    preview.items.map((i) => i.fileName),
    ['porch.png', 'barn.png']
  );
  assert.throws(() => exportPreview(db, { albumId: 999 }), { kind: 'not-found', message: 'no album with id 999' });
  assert.throws(() => validateArgs('export:preview', [{ albumId: 1, photoIds: [1] }]), { kind: 'invalid-input' });
});
