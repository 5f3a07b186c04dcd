/**
 * `heirloom restore` as a user runs it: a folder with good and bad photos,
 * per-file failure lines, exit code, --save-mask, --json, --overwrite, --ep.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { TINY_MODELS, colourPng, png16, tempDir } from '../fixtures/pipeline-images.ts';
import { photoPixels } from '../helpers/images.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'heirloom.mjs');
let tmp: Awaited<ReturnType<typeof tempDir>>;

async function heirloom(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'restore', ...args], {
      timeout: 120_000
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

before(async () => {
  tmp = await tempDir('cli-restore');
  const photos = join(tmp.dir, 'photos');
  await mkdir(join(photos, 'box2'), { recursive: true });
  await colourPng(join(photos, 'wedding.png'), 72, 56);
  await png16(join(photos, 'box2', 'deep.png'), 40, 36);
  await writeFile(join(photos, 'broken.jpg'), 'not a jpeg at all');
  await writeFile(join(photos, 'readme.txt'), 'ignored: not an image extension');
});
after(() => tmp.cleanup());

test('restores a folder, reports the broken file, exits 1, writes masks', async () => {
  const out = join(tmp.dir, 'out');
  const r = await heirloom([
    join(tmp.dir, 'photos'),
    '--out',
    out,
    '--save-mask',
    '--models',
    TINY_MODELS,
    '--threads',
    '1',
    '--json'
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed: .*broken\.jpg: broken\.jpg: not an image format Heirloom can read/);
  const report = JSON.parse(r.stdout) as {
    restored: number;
    failed: number;
    provider: { provider: string; reason: string };
  };
  assert.equal(report.restored, 2);
  assert.equal(report.failed, 1);
  assert.equal(report.provider.provider, 'cpu');
  // The folder is mirrored under --out, subfolders and all.
  assert.deepEqual(await readdir(out), ['photos']);
  assert.deepEqual((await readdir(join(out, 'photos'))).sort(), ['box2', 'wedding.mask.png', 'wedding.png']);
  assert.deepEqual((await readdir(join(out, 'photos', 'box2'))).sort(), ['deep.mask.png', 'deep.png']);
  assert.equal(
    (await sharp(join(out, 'photos', 'box2', 'deep.png')).metadata()).depth,
    'ushort',
    '16-bit in → 16-bit out'
  );
  assert.equal((await sharp(join(out, 'photos', 'wedding.mask.png')).metadata()).width, 72);
});

test('never overwrites without --overwrite', async () => {
  const out = join(tmp.dir, 'again');
  const photo = join(tmp.dir, 'photos', 'wedding.png');
  const first = await heirloom([photo, '--out', out, '--models', TINY_MODELS, '--scratches', 'off']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /wedding\.png → .*again[/\\]wedding\.png \(72×56, 8-bit, scratches none/);
  const second = await heirloom([photo, '--out', out, '--models', TINY_MODELS]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /already exists \(use --overwrite to replace it\)/);
  const third = await heirloom([photo, '--out', out, '--models', TINY_MODELS, '--overwrite']);
  assert.equal(third.code, 0, third.stderr);
});

test('bad options and an unusable provider are clear errors', async () => {
  const photo = join(tmp.dir, 'photos', 'wedding.png');
  const out = join(tmp.dir, 'opts');
  const badMode = await heirloom([photo, '--out', out, '--scratches', 'maybe', '--models', TINY_MODELS]);
  assert.notEqual(badMode.code, 0);
  assert.match(badMode.stderr, /--scratches must be auto, on or off/);
  const noModels = await heirloom([photo, '--out', out, '--models', join(tmp.dir, 'no-models')]);
  assert.notEqual(noModels.code, 0);
  assert.match(noModels.stderr, /no model manifest found; tried: .*no-models/);
  if (process.platform === 'linux') {
    const cuda = await heirloom([photo, '--out', out, '--ep', 'cuda', '--models', TINY_MODELS]);
    if (cuda.code !== 0)
      assert.match(cuda.stderr, /execution provider "cuda" is not usable here: CUDA provider not installed/);
  }
});

test('--crop-to-print restores the print alone, levelled, and a photo without a margin whole', async () => {
  const dir = join(tmp.dir, 'scans');
  await mkdir(dir);
  const print = await sharp(photoPixels(160, 110, 8), { raw: { width: 160, height: 110, channels: 3 } })
    .rotate(2, { background: '#f1f1ef' })
    .png()
    .toBuffer();
  await sharp({ create: { width: 260, height: 200, channels: 3, background: '#f1f1ef' } })
    .composite([{ input: print, left: 40, top: 30 }])
    .png()
    .toFile(join(dir, 'postcard.png'));
  await sharp(photoPixels(120, 90, 9), { raw: { width: 120, height: 90, channels: 3 } })
    .png()
    .toFile(join(dir, 'snapshot.png'));
  const out = join(tmp.dir, 'cropped');
  const r = await heirloom([dir, '--out', out, '--models', TINY_MODELS, '--scratches', 'off', '--crop-to-print']);
  assert.equal(r.code, 0, r.stderr);
  // Laid 2° clockwise; read from edges 50 to 80 px long, levelled to within a few tenths.
  assert.match(
    r.stdout,
    /postcard\.png → .* \(1[56]\d×1[01]\d, 8-bit, scratches none, cropped to the print and levelled by -(1\.[6-9]|2(\.[0-4])?)°, /
  );
  assert.match(r.stdout, /snapshot\.png → .* \(120×90, 8-bit, scratches none, no margin around a print: whole, /);
  const meta = await sharp(join(out, 'scans', 'postcard.png')).metadata();
  assert.ok(
    meta.width! >= 152 && meta.width! <= 160 && meta.height! >= 102 && meta.height! <= 110,
    `${meta.width} × ${meta.height}`
  );
});

test('same-named scans in different folders both restore, each under its folder', async () => {
  const family = join(tmp.dir, 'Family');
  for (const [year, width] of [
    ['1951', 50],
    ['1962', 60]
  ] as const) {
    await mkdir(join(family, year), { recursive: true });
    await colourPng(join(family, year, 'scan.png'), width, 40);
  }
  const whole = join(tmp.dir, 'family-out');
  const r = await heirloom([family, '--out', whole, '--models', TINY_MODELS, '--scratches', 'off']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await sharp(join(whole, 'Family', '1951', 'scan.png')).metadata()).width, 50);
  assert.equal((await sharp(join(whole, 'Family', '1962', 'scan.png')).metadata()).width, 60);

  // The two folders named one by one: each keeps its name.
  const apart = join(tmp.dir, 'years-out');
  const r2 = await heirloom([
    join(family, '1951'),
    join(family, '1962'),
    '--out',
    apart,
    '--models',
    TINY_MODELS,
    '--scratches',
    'off'
  ]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual((await readdir(apart)).sort(), ['1951', '1962']);
  assert.equal((await sharp(join(apart, '1962', 'scan.png')).metadata()).width, 60);
});

test(
  'an output folder that cannot be written is refused before any photo is restored',
  { skip: process.platform !== 'linux' },
  async () => {
    // /sys refuses new files even to root, as a read-only disk or someone else's folder would.
    const photo = join(tmp.dir, 'photos', 'wedding.png');
    const r = await heirloom([photo, '--out', '/sys', '--models', TINY_MODELS]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /cannot write to the output folder \/sys: (you do not have permission to write there|it is on a read-only disk)\. Nothing was restored; choose another --out\./
    );
    assert.doesNotMatch(r.stdout + r.stderr, /execution provider|restored,/, 'no model was loaded, nothing ran');
  }
);
