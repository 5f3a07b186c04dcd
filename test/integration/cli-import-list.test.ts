/**
 * `heirloom import` / `heirloom list` as a user runs them (a real child
 * process over a real library), and the library's consistency after the
 * import process is killed mid-way.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { migrations } from '../../src/main/library/migrations.ts';
import { openLibrary } from '../../src/main/library/open-library.ts';
import { sweepOrphans } from '../../src/main/library/maintenance.ts';
import { libraryPaths } from '../../src/main/paths.ts';
import { makePhoto, makeTruncatedJpeg } from '../helpers/images.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/heirloom.mjs');
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-cli-import-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function heirloom(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('import names every bad file and exits 1; list --json has every good photo once', async () => {
  const src = join(work, 'scans');
  await makePhoto(join(src, 'a.jpg'), 90, 60, { seed: 1 });
  await makePhoto(join(src, 'box 2/b.png'), 90, 60, { seed: 2, format: 'png' });
  await makePhoto(join(src, 'box 2/c.tiff'), 90, 60, { seed: 3, format: 'tiff', deep: true });
  await makeTruncatedJpeg(join(src, 'box 2/torn.jpg'));
  await writeFile(join(src, 'empty.png'), '');
  const lib = join(work, 'lib');
  const first = heirloom(['import', src, '--library', lib]);
  assert.equal(first.code, 1, first.err);
  assert.match(first.err, /torn\.jpg: the image data is damaged or incomplete/);
  assert.match(first.err, /empty\.png: the file is empty/);
  assert.match(first.out, /3 imported, 0 already in the library, 2 failed/);

  const again = heirloom(['import', src, join(src, 'a.jpg'), '--library', lib, '--album', 'Box 2', '--json']);
  const report = JSON.parse(again.out) as { imported: number; duplicates: number; failed: number };
  assert.deepEqual([report.imported, report.duplicates, report.failed], [0, 3, 2]);

  const listed = heirloom(['list', '--library', lib, '--json']);
  assert.equal(listed.code, 0, listed.err);
  const photos = JSON.parse(listed.out) as { fileName: string; bitDepth: number }[];
  assert.deepEqual(photos.map((p) => p.fileName).sort(), ['a.jpg', 'b.png', 'c.tiff']);
  assert.equal(photos.find((p) => p.fileName === 'c.tiff')!.bitDepth, 16);
  const album = JSON.parse(heirloom(['list', '--library', lib, '--album', 'box 2', '--json']).out) as unknown[];
  assert.equal(album.length, 3);
  // Nothing is restored yet: all three are still to do.
  assert.equal(
    (JSON.parse(heirloom(['list', '--library', lib, '--restored', 'no', '--json']).out) as unknown[]).length,
    3
  );
  assert.equal(
    (JSON.parse(heirloom(['list', '--library', lib, '--restored', 'yes', '--json']).out) as unknown[]).length,
    0
  );
  // A photo turned and cropped in the app says so in the listing.
  const db = openLibrary(lib);
  db.prepare("UPDATE photos SET rotation = 90, tilt = -1.5, crop = '4_6_40_36' WHERE file_name = 'b.png'").run();
  db.close();
  const text = heirloom(['list', '--library', lib]).out.split('\n');
  assert.match(
    text.find((l) => l.includes('b.png'))!,
    // eslint-disable-next-line no-regex-spaces -- `list` separates its facts by two spaces, as printed
    /b\.png .* turned 90°  straightened -1\.5°  cropped to 40×36$/
  );
  assert.ok(!text.find((l) => l.includes('a.jpg'))!.includes('turned'));
  const badFilter = heirloom(['list', '--library', lib, '--restored', 'maybe']);
  assert.equal(badFilter.code, 1);
  assert.match(badFilter.err, /--restored must be one of yes, no \(got "maybe"\)/);

  const missing = heirloom(['list', '--library', join(work, 'nowhere')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no Heirloom library at/);
  const noArgs = heirloom(['import', '--library', lib]);
  assert.match(noArgs.err, /give at least one file or folder/);
});

test('an import killed mid-way leaves a consistent library, and importing again completes it', async () => {
  const src = join(work, 'many');
  const N = 40;
  for (let i = 0; i < N; i++)
    await makePhoto(join(src, `p${String(i).padStart(2, '0')}.png`), 400, 300, { seed: 500 + i, format: 'png' });
  const lib = join(work, 'killed');
  openLibrary(lib).close();
  const child = spawn(process.execPath, [BIN, 'import', src, '--library', lib], { cwd: ROOT, stdio: 'ignore' });
  const db = new Database(libraryPaths(lib).db, { readonly: true });
  const deadline = Date.now() + 60_000;
  while ((db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number) < 3 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  db.close();

  const reopened = openLibrary(lib);
  sweepOrphans(reopened, lib);
  const paths = libraryPaths(lib);
  const rows = reopened.prepare('SELECT sha256, ext FROM photos').all() as { sha256: string; ext: string }[];
  assert.ok(rows.length >= 3 && rows.length < N, `killed after ${rows.length} of ${N}`);
  for (const r of rows) {
    assert.ok(existsSync(paths.original(r.sha256, r.ext)), 'every row has its original');
    assert.ok(existsSync(paths.thumb(r.sha256)), 'every row has its thumbnail');
  }
  let files = 0;
  for (const shard of await readdir(paths.originalsDir))
    files += (await readdir(join(paths.originalsDir, shard))).length;
  assert.equal(files, rows.length, 'no original without a row');
  assert.deepEqual(await readdir(paths.tmp), []);
  reopened.close();

  const done = heirloom(['import', src, '--library', lib, '--json']);
  const report = JSON.parse(done.out) as { imported: number; duplicates: number; failed: number };
  assert.equal(report.imported + report.duplicates, N);
  assert.equal(report.duplicates, rows.length);
  assert.equal(report.failed, 0);
});

test('list on a library an older Heirloom wrote brings it up to date first, then reads it (export opens it the same way)', () => {
  const lib = join(work, 'old-lib');
  mkdirSync(lib, { recursive: true });
  const db = new Database(libraryPaths(lib).db);
  // Schema 2, as the version before photo turns and date search left it, with one photo.
  for (const m of migrations.filter((m) => m.version <= 2)) db.exec(m.sql);
  db.pragma('user_version = 2');
  db.prepare(
    `INSERT INTO photos (sha256, file_name, format, width, height, bit_depth, channels, bytes, taken_at, imported_at)
     VALUES (?, 'grandpa.jpg', 'jpeg', 90, 60, 8, 3, 1000, '1961-05-02T10:00:00', '2026-11-01T00:00:00')`
  ).run('a'.repeat(64));
  db.close();
  const listed = heirloom(['list', '--library', lib, '--search', '1960s', '--json']);
  assert.equal(listed.code, 0, listed.err);
  assert.deepEqual(
    (JSON.parse(listed.out) as { fileName: string; rotation: number }[]).map((p) => [p.fileName, p.rotation]),
    [['grandpa.jpg', 0]]
  );
  const after = new Database(libraryPaths(lib).db, { readonly: true });
  assert.equal(after.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
  after.close();
});
