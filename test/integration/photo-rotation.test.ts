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
import { test } from 'node:test';
import { libraryPaths } from '../../src/main/paths.ts';
import { validateArgs } from '../../src/main/services/index.ts';
import { photoMediaKey } from '../../src/shared/media-key.ts';
import { BLUE, colourAt, H, near, RED, size, W } from '../fixtures/quadrants.ts';
import { queueIdle } from '../fixtures/queue-idle.ts';
import { exportPhoto, quadrantLibrarySuite, storedOriginal } from '../fixtures/quadrant-library.ts';

const q = quadrantLibrarySuite('heirloom-rotation-', 'sideways.png');

test('a turn is validated, stored, and shown under its own media keys', async () => {
  assert.equal(q.photo.rotation, 0);
  assert.throws(() => validateArgs('photos:update', [q.photo.id, { rotation: 45 }]), /photos:update/);
  const turned = await q.svc.handlers['photos:update'](q.photo.id, { rotation: 90 });
  assert.equal(turned.rotation, 90);
  assert.equal(
    (await q.svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'imported' })).items[0]!.rotation,
    90
  );
  assert.equal(photoMediaKey(turned), `${q.photo.sha256}.r90`);

  // A quarter clockwise: the left column becomes the top row, so bottom-left (blue) lands top-left.
  for (const kind of ['thumb', 'original'] as const) {
    const file = (await q.svc.readMedia(kind, photoMediaKey(turned))).path;
    assert.deepEqual(await size(file), [H, W], `${kind} is turned`);
    assert.ok(near(await colourAt(file, 0.1, 0.1), BLUE), `${kind}: top-left is the old bottom-left`);
    assert.ok(near(await colourAt(file, 0.9, 0.1), RED), `${kind}: top-right is the old top-left`);
  }
  // The unturned key still serves the photo as imported (it is a different URL, cached apart).
  assert.deepEqual(await size((await q.svc.readMedia('thumb', q.photo.sha256)).path), [W, H]);
  await assert.rejects(
    Promise.resolve().then(() => q.svc.readMedia('thumb', `${q.photo.sha256}.r45`)),
    /optionally with \.r90, \.r180 or \.r270/
  );
  assert.deepEqual(await storedOriginal(q), q.originalBytes, 'the original is untouched');
});

test('an export writes the turned photo, and says so where it copies the bytes untouched', async () => {
  const out = join(q.work, 'out');
  await mkdir(out);
  const png = await exportPhoto(q, q.photo.id, 'png', join(out, 'png'));
  const [file] = (await readdir(png.path)).filter((n) => n.endsWith('.png'));
  assert.deepEqual(await size(join(png.path, file!)), [H, W]);
  assert.ok(near(await colourAt(join(png.path, file!), 0.1, 0.1), BLUE));
  const copy = await exportPhoto(q, q.photo.id, 'original', join(out, 'copy'));
  const manifest = JSON.parse(await readFile(join(copy.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.files[0].note, 'turned 90° in the library; this copy is not');
  assert.deepEqual(await readFile(join(copy.path, manifest.files[0].file)), q.originalBytes);
});

test(
  'a restore works on the turned photo; then the photo refuses to turn until its versions are gone',
  { timeout: 60_000 },
  async () => {
    const [job] = await q.svc.handlers['restore:start']({ photoIds: [q.photo.id], scratches: 'off' });
    // Queued or running: turning now would leave the version the other way round.
    await assert.rejects(
      q.svc.handlers['photos:update'](q.photo.id, { rotation: 180 }),
      /sideways\.png is being restored: wait for the restore to finish or cancel it/
    );
    await queueIdle(q.svc);
    const [version] = await q.svc.handlers['versions:list'](q.photo.id);
    assert.deepEqual(
      (await q.svc.handlers['jobs:list']({ active: false, limit: 10 })).map((j) => [j.id, j.state, j.versionId]),
      [[job!.id, 'done', version!.id]]
    );
    const output = (await q.svc.readMedia('version', String(version!.id))).path;
    assert.deepEqual(await size(output), [H, W], 'the restored version is made from the turned photo');

    await assert.rejects(
      q.svc.handlers['photos:update'](q.photo.id, { rotation: 180 }),
      /sideways\.png has 1 restored version: delete it to turn the photo, then restore it again/
    );
    assert.equal((await q.svc.handlers['library:get'](q.photo.id)).rotation, 90, 'a refused turn changes nothing');
    // Setting the turn it already has is not a change, so it is not refused.
    assert.equal(
      (await q.svc.handlers['photos:update'](q.photo.id, { rotation: 90, caption: 'Aunt Mia' })).caption,
      'Aunt Mia'
    );

    await q.svc.handlers['versions:delete'](version!.id);
    assert.equal((await q.svc.handlers['photos:update'](q.photo.id, { rotation: 0 })).rotation, 0);
    assert.deepEqual(await size((await q.svc.readMedia('original', q.photo.sha256)).path), [W, H]);
  }
);

test("a turn removes the renditions of the photo's earlier turns; removing the photo removes the rest", async () => {
  const paths = libraryPaths(q.lib);
  await q.svc.handlers['photos:update'](q.photo.id, { rotation: 90 });
  const earlier = [
    (await q.svc.readMedia('thumb', `${q.photo.sha256}.r90`)).path,
    (await q.svc.readMedia('original', `${q.photo.sha256}.r90`)).path
  ];
  assert.deepEqual(earlier, [paths.thumb(`${q.photo.sha256}.r90`), paths.display(`${q.photo.sha256}.r90`)]);
  assert.ok(earlier.every((p) => existsSync(p)));
  await q.svc.handlers['photos:update'](q.photo.id, { rotation: 270 });
  for (const p of earlier) assert.ok(!existsSync(p), `${p} went with the turn`);
  const made = [
    (await q.svc.readMedia('thumb', `${q.photo.sha256}.r270`)).path,
    (await q.svc.readMedia('original', `${q.photo.sha256}.r270`)).path
  ];
  assert.deepEqual(made, [paths.thumb(`${q.photo.sha256}.r270`), paths.display(`${q.photo.sha256}.r270`)]);
  assert.ok(made.every((p) => existsSync(p)));
  await q.svc.handlers['photos:remove']([q.photo.id]);
  for (const p of made) assert.ok(!existsSync(p), `${p} is gone`);
});
