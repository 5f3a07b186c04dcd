/**
 * Import and restore give the same file the same answer (one limit, one
 * sentence), and a folder import counts the hidden image files it leaves out.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { test } from 'node:test';
import sharp from 'sharp';
import { importPaths } from '../../src/main/import/import-files.ts';
import { readSource } from '../../src/main/pipeline/image-io.ts';
import { PNG_SIGNATURE, pngChunk } from '../../src/main/pipeline/png-density.ts';
import { tempLibrarySuite } from '../fixtures/temp-library.ts';

const t = tempLibrarySuite('agree');

/** A PNG whose header says 20,000 × 13,000 (260 MP): over import's 250 MP, under sharp's own 268 MP default. */
function hugePng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20_000, 0);
  ihdr.writeUInt32BE(13_000, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // grey
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(10))),
    pngChunk('IEND', Buffer.alloc(0))
  ]);
}

async function importMessage(path: string): Promise<string> {
  const report = await importPaths(t.db, t.lib, [path]);
  const o = report.outcomes[0]!;
  assert.equal(o.status, 'failed');
  return o.status === 'failed' ? o.message : '';
}

async function restoreMessage(path: string): Promise<string> {
  const err = await readSource(path).then(
    () => null,
    (e: Error) => e
  );
  assert.ok(err, 'restore refuses it');
  return err.message.replace(/^[^:]+: /, ''); // restore names the file first
}

test('an empty file is "empty" to both', async () => {
  const empty = join(t.work, 'empty.jpg');
  await writeFile(empty, '');
  assert.equal(await importMessage(empty), 'the file is empty (0 bytes)');
  assert.equal(await restoreMessage(empty), 'the file is empty (0 bytes)');
});

test('a 260-megapixel image is over the same 250 MP limit for both', async () => {
  const huge = join(t.work, 'huge.png');
  await writeFile(huge, hugePng());
  const expected = 'image is 260 MP, over the 250 MP limit (decompression bomb protection)';
  assert.equal(await importMessage(huge), expected);
  assert.equal(await restoreMessage(huge), expected);
});

test('a folder import counts the hidden image files it skips', async () => {
  const folder = join(t.work, 'scans');
  await mkdir(join(folder, '.thumbnails'), { recursive: true });
  const jpeg = await sharp({ create: { width: 20, height: 16, channels: 3, background: '#806040' } })
    .jpeg()
    .toBuffer();
  await writeFile(join(folder, 'scan.jpg'), jpeg);
  await writeFile(join(folder, '._scan.jpg'), jpeg); // a Mac's resource fork beside it
  await writeFile(join(folder, '.DS_Store'), 'not an image');
  await writeFile(join(folder, '.thumbnails', 'scan.jpg'), jpeg); // inside a hidden folder: the folder is skipped whole
  const report = await importPaths(t.db, t.lib, [folder]);
  assert.equal(report.imported, 1);
  assert.equal(report.skipped, 1);
});
