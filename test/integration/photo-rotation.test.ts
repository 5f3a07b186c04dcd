/**
 * Turning a photo in the library, over a real library folder, the tiny model
 * set and real images: the turn is stored, thumbnails and the full-size view
 * come out turned under their own keys, a restore works on the turned photo,
 * an export writes it turned (or says it could not), and a photo with
 * restored versions or a restore under way refuses to turn. The original file
 * is never touched.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportAlbum } from '../../src/main/export/export-album.ts';
import { libraryPaths } from '../../src/main/paths.ts';
import { validateArgs, type Services } from '../../src/main/services/index.ts';
import { photoMediaKey } from '../../src/shared/media-key.ts';
import type { PhotoSummary } from '../../src/shared/types.ts';
import { BLUE, colourAt, H, near, RED, size, W } from '../fixtures/quadrants.ts';
import { queueIdle } from '../fixtures/queue-idle.ts';
import { quadrantLibrary, type QuadrantLibrary } from '../fixtures/quadrant-library.ts';

let work: string;
let lib: string;
let svc: Services;
let photo: PhotoSummary;
let originalBytes: Buffer;

let library: QuadrantLibrary;

before(async () => {
  library = await quadrantLibrary('heirloom-rotation-', 'sideways.png');
  ({ work, lib, svc, photo, originalBytes } = library);
});
after(() => library.close());

test('a turn is validated, stored, and shown under its own media keys', async () => {
  assert.equal(photo.rotation, 0);
  assert.throws(() => validateArgs('photos:update', [photo.id, { rotation: 45 }]), /photos:update/);
  const turned = await svc.handlers['photos:update'](photo.id, { rotation: 90 });
  assert.equal(turned.rotation, 90);
  assert.equal((await svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'imported' })).items[0]!.rotation, 90);
  assert.equal(photoMediaKey(turned), `${photo.sha256}.r90`);

  // A quarter clockwise: the left column becomes the top row, so bottom-left (blue) lands top-left.
  for (const kind of ['thumb', 'original'] as const) {
    const file = (await svc.readMedia(kind, photoMediaKey(turned))).path;
    assert.deepEqual(await size(file), [H, W], `${kind} is turned`);
    assert.ok(near(await colourAt(file, 0.1, 0.1), BLUE), `${kind}: top-left is the old bottom-left`);
    assert.ok(near(await colourAt(file, 0.9, 0.1), RED), `${kind}: top-right is the old top-left`);
  }
  // The unturned key still serves the photo as imported (it is a different URL, cached apart).
  assert.deepEqual(await size((await svc.readMedia('thumb', photo.sha256)).path), [W, H]);
  await assert.rejects(Promise.resolve().then(() => svc.readMedia('thumb', `${photo.sha256}.r45`)), /optionally with \.r90, \.r180 or \.r270/);
  assert.deepEqual(await readFile(libraryPaths(lib).original(photo.sha256, '.png')), originalBytes, 'the original is untouched');
});

test('an export writes the turned photo, and says so where it copies the bytes untouched', async () => {
  const out = join(work, 'out');
  await mkdir(out);
  const png = await exportAlbum(svc.db, lib, { photoIds: [photo.id], format: 'png', destination: { kind: 'folder', path: join(out, 'png') } });
  const [file] = (await readdir(png.path)).filter((n) => n.endsWith('.png'));
  assert.deepEqual(await size(join(png.path, file!)), [H, W]);
  assert.ok(near(await colourAt(join(png.path, file!), 0.1, 0.1), BLUE));
  const copy = await exportAlbum(svc.db, lib, { photoIds: [photo.id], format: 'original', destination: { kind: 'folder', path: join(out, 'copy') } });
  const manifest = JSON.parse(await readFile(join(copy.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.files[0].note, 'turned 90° in the library; this copy is not');
  assert.deepEqual(await readFile(join(copy.path, manifest.files[0].file)), originalBytes);
});

test('a restore works on the turned photo; then the photo refuses to turn until its versions are gone', { timeout: 60_000 }, async () => {
  const [job] = await svc.handlers['restore:start']({ photoIds: [photo.id], scratches: 'off' });
  // Queued or running: turning now would leave the version the other way round.
  await assert.rejects(svc.handlers['photos:update'](photo.id, { rotation: 180 }), /sideways\.png is being restored: wait for the restore to finish or cancel it/);
  await queueIdle(svc);
  const [version] = await svc.handlers['versions:list'](photo.id);
  assert.deepEqual((await svc.handlers['jobs:list']({ active: false, limit: 10 })).map((j) => [j.id, j.state, j.versionId]), [[job!.id, 'done', version!.id]]);
  const output = (await svc.readMedia('version', String(version!.id))).path;
  assert.deepEqual(await size(output), [H, W], 'the restored version is made from the turned photo');

  await assert.rejects(svc.handlers['photos:update'](photo.id, { rotation: 180 }), /sideways\.png has 1 restored version: delete it to turn the photo, then restore it again/);
  assert.equal((await svc.handlers['library:get'](photo.id)).rotation, 90, 'a refused turn changes nothing');
  // Setting the turn it already has is not a change, so it is not refused.
  assert.equal((await svc.handlers['photos:update'](photo.id, { rotation: 90, caption: 'Aunt Mia' })).caption, 'Aunt Mia');

  await svc.handlers['versions:delete'](version!.id);
  assert.equal((await svc.handlers['photos:update'](photo.id, { rotation: 0 })).rotation, 0);
  assert.deepEqual(await size((await svc.readMedia('original', photo.sha256)).path), [W, H]);
});

test("a turn removes the renditions of the photo's earlier turns; removing the photo removes the rest", async () => {
  const paths = libraryPaths(lib);
  await svc.handlers['photos:update'](photo.id, { rotation: 90 });
  const earlier = [(await svc.readMedia('thumb', `${photo.sha256}.r90`)).path, (await svc.readMedia('original', `${photo.sha256}.r90`)).path];
  assert.deepEqual(earlier, [paths.thumb(`${photo.sha256}.r90`), paths.display(`${photo.sha256}.r90`)]);
  assert.ok(earlier.every((p) => existsSync(p)));
  await svc.handlers['photos:update'](photo.id, { rotation: 270 });
  for (const p of earlier) assert.ok(!existsSync(p), `${p} went with the turn`);
  const made = [(await svc.readMedia('thumb', `${photo.sha256}.r270`)).path, (await svc.readMedia('original', `${photo.sha256}.r270`)).path];
  assert.deepEqual(made, [paths.thumb(`${photo.sha256}.r270`), paths.display(`${photo.sha256}.r270`)]);
  assert.ok(made.every((p) => existsSync(p)));
  await svc.handlers['photos:remove']([photo.id]);
  for (const p of made) assert.ok(!existsSync(p), `${p} is gone`);
});
