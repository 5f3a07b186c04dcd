import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { exportAlbum } from '../../src/main/export/export-album.ts';
import { albumByName } from '../../src/main/library/queries/export-source.ts';
import { openLibrary } from '../../src/main/library/open-library.ts';
import { createExportHandlers } from '../../src/main/services/export-handlers.ts';
import type { ExportProgress } from '../../src/shared/types.ts';
import { exifJpeg, png16, restoredPng, run, sha256, tempDir } from './export-fixtures.ts';

let root: { dir: string; cleanup: () => Promise<void> };
let lib: string;
let db: Database.Database;
const ids: Record<string, number> = {};
const shas: Record<string, string> = {};

/** Stores a file in the content-addressed originals store and adds its photo row. */
async function addPhoto(
  key: string,
  make: (p: string) => Promise<void>,
  fileName: string,
  caption: string | null,
  ext: string
) {
  const tmp = join(root.dir, `${key}.${ext}`);
  await make(tmp);
  const sha = await sha256(tmp);
  await mkdir(join(lib, 'originals', sha.slice(0, 2)), { recursive: true });
  await copyFile(tmp, join(lib, 'originals', sha.slice(0, 2), `${sha}.${ext}`));
  shas[key] = sha;
  ids[key] = Number(
    db
      .prepare(
        "INSERT INTO photos (sha256, file_name, ext, format, width, height, bit_depth, channels, bytes, caption, imported_at) VALUES (?, ?, ?, ?, 64, 48, 8, 3, 1, ?, 'now')"
      )
      .run(sha, fileName, `.${ext}`, ext === 'jpg' ? 'jpeg' : ext, caption).lastInsertRowid
  );
}

before(async () => {
  root = await tempDir('export-album');
  lib = join(root.dir, 'lib');
  await mkdir(lib);
  // The library's own migrations: the CLI opens this library as the app would.
  db = openLibrary(lib);
  await addPhoto('beach', exifJpeg, 'beach.jpg', 'At the beach', 'jpg');
  await addPhoto('scan', png16, 'scan-16bit.png', null, 'png');
  await addPhoto('wedding', (p) => exifJpeg(p, '#20d020'), 'wedding.jpg', 'Wedding / 1958', 'jpg');
  // A restored version of "beach", as the engine would leave it (relative output path).
  await mkdir(join(lib, 'versions'), { recursive: true });
  await restoredPng(join(lib, 'versions', 'beach-v1.png'));
  const v = db
    .prepare(
      "INSERT INTO versions (photo_id, kind, model_id, model_sha256, options, output_path, created_at) VALUES (?, 'restore', 'bopb-1', 'x', ?, 'versions/beach-v1.png', '2026-11-24T10:00:00Z')"
    )
    .run(ids.beach, JSON.stringify({ scratches: 'on' })).lastInsertRowid;
  db.prepare('UPDATE photos SET current_version_id = ? WHERE id = ?').run(v, ids.beach);
  const album = Number(
    db.prepare("INSERT INTO albums (name, created_at) VALUES ('Family', 'now')").run().lastInsertRowid
  );
  db.prepare("INSERT INTO albums (name, created_at) VALUES ('Empty', 'now')").run();
  // Album order differs from insertion order: wedding, beach, scan.
  const add = db.prepare('INSERT INTO album_photos (album_id, photo_id, position) VALUES (?, ?, ?)');
  add.run(album, ids.wedding, 0);
  add.run(album, ids.beach, 1);
  add.run(album, ids.scan, 2);
});
after(async () => {
  db.close();
  await root.cleanup();
});

/** Exports into a new folder `folder` inside a fresh `<root>/<outName>`. */
async function exportToFolder(
  outName: string,
  folder: string,
  request: Omit<Parameters<typeof exportAlbum>[2], 'destination'>
) {
  const out = join(root.dir, outName);
  await mkdir(out);
  return exportAlbum(db, lib, { ...request, destination: { kind: 'folder', path: join(out, folder) } });
}

test('exportAlbum exports the album in album order with the current version', async () => {
  const album = albumByName(db, 'family');
  const result = await exportToFolder('out-api', 'Family', { albumId: album.id, what: 'restored', format: 'png' });
  assert.deepEqual((await readdir(result.path)).sort(), [
    '001 - Wedding 1958.png',
    '002 - At the beach (restored).png',
    '003 - scan-16bit.png',
    'manifest.json'
  ]);
  const manifest = JSON.parse(await readFile(join(result.path, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.album, { id: album.id, name: 'Family' });
  assert.deepEqual(
    manifest.files.map((f: { photoId: number; sha256: string; source: string }) => [f.photoId, f.sha256, f.source]),
    [
      [ids.wedding, shas.wedding, 'original'],
      [ids.beach, shas.beach, 'restored'],
      [ids.scan, shas.scan, 'original']
    ]
  );
  assert.equal(manifest.files[1].modelId, 'bopb-1');
  assert.deepEqual(manifest.files[1].versionOptions, { scratches: 'on' });
  assert.equal(manifest.files[2].bitDepth, 16, '16-bit original stays 16-bit as PNG');
  assert.equal((await sharp(join(result.path, '003 - scan-16bit.png')).metadata()).depth, 'ushort');
  assert.equal(result.unrestored, 2);
});

test('exportAlbum exports a selection of photos in the order given, each once', async () => {
  const result = await exportToFolder('out-selection', 'Picked', {
    photoIds: [ids.scan, ids.beach, ids.scan],
    what: 'restored',
    format: 'jpeg'
  });
  assert.deepEqual((await readdir(result.path)).sort(), [
    '001 - scan-16bit.jpg',
    '002 - At the beach (restored).jpg',
    'manifest.json'
  ]);
  const manifest = JSON.parse(await readFile(join(result.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.album, null, 'a selection names no album');
  assert.deepEqual(
    manifest.files.map((f: { photoId: number; source: string }) => [f.photoId, f.source]),
    [
      [ids.scan, 'original'],
      [ids.beach, 'restored']
    ]
  );
  assert.equal(result.unrestored, 1);
});

test('a selection with a photo no longer in the library, or a request naming both or neither, writes nothing', async () => {
  const out = join(root.dir, 'out-selection-bad');
  await mkdir(out);
  const dest = { kind: 'folder', path: join(out, 'x') } as const;
  await assert.rejects(
    exportAlbum(db, lib, { photoIds: [ids.beach, 999], destination: dest }),
    /no photo with id 999 in the library/
  );
  await assert.rejects(
    exportAlbum(db, lib, { albumId: 1, photoIds: [ids.beach], destination: dest }),
    /give either albumId \(an album\) or photoIds/
  );
  await assert.rejects(exportAlbum(db, lib, { destination: dest }), /give either albumId/);
  await assert.rejects(exportAlbum(db, lib, { photoIds: [], destination: dest }), /invalid export request: photoIds/);
  assert.deepEqual(await readdir(out), []);
});

test('invalid requests and unknown albums are clear errors', async () => {
  await assert.rejects(
    exportAlbum(db, lib, { albumId: 999, destination: { kind: 'folder', path: join(root.dir, 'x') } }),
    /no album with id 999/
  );
  await assert.rejects(
    exportAlbum(db, lib, { albumId: 1, quality: 0, destination: { kind: 'folder', path: join(root.dir, 'x') } }),
    /invalid export request: quality/
  );
  await assert.rejects(
    exportAlbum(db, lib, { albumId: 1, destination: { kind: 'folder', path: 'relative/out' } }),
    /must be an absolute path/
  );
  await assert.rejects(
    exportAlbum(db, lib, {
      albumId: 1,
      destination: { kind: 'zip', path: join(root.dir, 'no', 'such', 'dir', 'a.zip') }
    }),
    /the folder to export into does not exist/
  );
  await writeFile(join(root.dir, 'a-file'), 'x');
  await assert.rejects(
    exportAlbum(db, lib, { albumId: 1, destination: { kind: 'folder', path: join(root.dir, 'a-file', 'out') } }),
    /a-file is not a folder/
  );
  assert.throws(() => albumByName(db, 'Nope'), /no album called "Nope"; albums: "Empty", "Family"/);
  const empty = albumByName(db, 'Empty');
  await assert.rejects(
    exportAlbum(db, lib, { albumId: empty.id, destination: { kind: 'folder', path: join(root.dir, 'x') } }),
    /has no photos/
  );
});

test('export handlers stream progress events and cancel by id', async () => {
  const events: ExportProgress[] = [];
  // The progress callback cancels through the handlers it is handed to: it runs only once an export has started.
  const { handlers } = createExportHandlers({
    db,
    libraryDir: lib,
    emit: (event, payload) => {
      assert.equal(event, 'export:progress');
      events.push(payload as ExportProgress);
      if ((payload as ExportProgress).done === 1) void handlers['export:cancel']('job-1');
    }
  });
  const out = join(root.dir, 'out-handlers');
  await mkdir(out);
  const request = {
    exportId: 'job-1',
    albumId: 1,
    what: 'both',
    format: 'jpeg',
    quality: 80,
    destination: { kind: 'zip', path: join(out, 'a.zip') },
    manifest: 'json'
  } as const;
  await assert.rejects(handlers['export:album'](request), /export cancelled/);
  assert.deepEqual(await readdir(out), []);
  assert.ok(events.length >= 2 && events.every((e) => e.exportId === 'job-1'));
  assert.equal(await handlers['export:cancel']('job-1'), false, 'nothing left to cancel');
  const done = await handlers['export:album']({ ...request, exportId: 'job-2' });
  assert.equal(done.path, join(out, 'a.zip'));
  assert.equal(done.files, 4);
});

const cli = (args: string[]) =>
  run(process.execPath, [join(process.cwd(), 'bin', 'heirloom.mjs'), 'export', ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
  );

test('a folder export to the top of the disk, or a .zip without a file name, is refused before anything is written', async () => {
  const cwd = await readdir(process.cwd());
  for (const path of ['/', '//']) {
    await assert.rejects(
      exportAlbum(db, lib, { albumId: 1, destination: { kind: 'folder', path } }),
      /is the top of a disk: name the folder/,
      path
    );
    await assert.rejects(
      exportAlbum(db, lib, { albumId: 1, destination: { kind: 'zip', path } }),
      /is the top of a disk/,
      path
    );
  }
  const out = join(root.dir, 'zips');
  await mkdir(out);
  await assert.rejects(
    exportAlbum(db, lib, { albumId: 1, destination: { kind: 'zip', path: `${out}/` } }),
    /a \.zip export needs a file name, and ".*zips\/" ends in a folder separator/
  );
  await assert.rejects(
    exportAlbum(db, lib, { albumId: 1, destination: { kind: 'zip', path: join(out, '.zip') } }),
    /needs a file name before "\.zip"/
  );
  assert.deepEqual(await readdir(out), [], 'no hidden .zip, no staging folder');
  assert.ok(!existsSync('/.zip'));
  assert.deepEqual(await readdir(process.cwd()), cwd, 'nothing staged in the working directory');
});

test('heirloom export CLI writes a zip with a CSV manifest and fails clearly', { timeout: 120_000 }, async () => {
  const out = join(root.dir, 'out-cli');
  await mkdir(out);
  const ok = await cli([
    '--library',
    lib,
    '--album',
    'Family',
    '--out',
    join(out, 'family'),
    '--zip',
    '--what',
    'both',
    '--format',
    'tiff16',
    '--manifest',
    'csv',
    '--json'
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout);
  assert.equal(result.path, join(out, 'family.zip'));
  const names = (await run('unzip', ['-Z1', result.path])).stdout.trim().split('\n');
  assert.equal(names.length, 5);
  assert.ok(names.includes('manifest.csv'));
  assert.ok(names.includes('002 - At the beach (restored).tif'));

  const bad = await cli(['--library', lib, '--album', 'Family', '--out', join(out, 'x'), '--format', 'gif']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--format must be one of jpeg, png, tiff16, original/);
  const noAlbum = await cli(['--library', lib, '--album', 'Holidays', '--out', join(out, 'x')]);
  assert.notEqual(noAlbum.code, 0);
  assert.match(noAlbum.stderr, /no album called "Holidays"/);

  // Chosen photos by id, in the order given.
  const picked = await cli([
    '--library',
    lib,
    '--photos',
    `${ids.beach}, ${ids.wedding}`,
    '--out',
    join(out, 'picked'),
    '--json'
  ]);
  assert.equal(picked.code, 0, picked.stderr);
  assert.deepEqual((await readdir(JSON.parse(picked.stdout).path)).sort(), [
    '001 - At the beach.jpg',
    '002 - Wedding 1958.jpg',
    'manifest.json'
  ]);
  for (const [args, message] of [
    [['--photos', 'beach'], /--photos takes photo ids separated by commas/],
    [['--photos', '0,1'], /--photos takes photo ids/],
    [['--album', 'Family', '--photos', '1'], /give --album NAME or --photos ID,ID,\.\.\. \(one of the two\)/],
    [[], /give --album NAME or --photos/]
  ] as const) {
    const r = await cli(['--library', lib, ...args, '--out', join(out, 'z')]);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, message);
  }
  await rm(JSON.parse(picked.stdout).path, { recursive: true });

  // A deleted original: exit ≠ 0, one clear line, nothing written.
  await rm(join(lib, 'originals', shas.scan.slice(0, 2), `${shas.scan}.png`));
  const missing = await cli(['--library', lib, '--album', 'Family', '--out', join(out, 'y')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /photo \d+ \(scan-16bit\.png\): the original file is missing/);
  assert.deepEqual(await readdir(out), ['family.zip']);
});
