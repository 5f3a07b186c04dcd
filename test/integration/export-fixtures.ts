/**
 * Real images for the export tests, made with sharp: an EXIF-rich JPEG
 * (orientation 6, date taken, GPS, camera, Display P3 ICC), a 16-bit PNG, and
 * an upright "restored" PNG standing in for an engine output.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { ExportItem } from '../../src/main/export/types.ts';

export const run = promisify(execFile);

export const TAKEN = '1962:07:14 15:30:00';

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `heirloom-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** 64×32 stored sideways (orientation 6): left half red, right half blue. Upright it is 32×64, red on top. */
export async function exifJpeg(path: string, right = '#2020d0'): Promise<void> {
  const left = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#d02020' } })
    .png()
    .toBuffer();
  await sharp({ create: { width: 64, height: 32, channels: 3, background: right } })
    .composite([{ input: left, left: 0, top: 0 }])
    .withIccProfile('p3')
    .withExif({
      IFD0: { Make: 'Kodak', Model: 'Brownie', ImageDescription: 'scanned' },
      IFD2: { DateTimeOriginal: TAKEN },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 1234/100',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 3999/100'
      }
    })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toFile(path);
}

/** A 48×40 16-bit gradient PNG without EXIF. */
export async function png16(path: string): Promise<void> {
  const raw = Buffer.alloc(48 * 40 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) % 256;
  await sharp(raw, { raw: { width: 48, height: 40, channels: 3 } })
    .toColourspace('rgb16')
    .png()
    .toFile(path);
}

/** An upright 32×64 PNG as the engine would write it: no EXIF, no ICC. */
export async function restoredPng(path: string): Promise<void> {
  await sharp({ create: { width: 32, height: 64, channels: 3, background: '#40a040' } })
    .png()
    .toFile(path);
}

export async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Three photos: a captioned EXIF JPEG with a version, a hostile-named PNG16, and one without a version. */
export async function makeItems(dir: string): Promise<ExportItem[]> {
  const a = join(dir, 'a.jpg');
  const b = join(dir, 'b.png');
  const c = join(dir, 'c.jpg');
  const v = join(dir, 'a.restored.png');
  await exifJpeg(a);
  await png16(b);
  await exifJpeg(c);
  await restoredPng(v);
  return [
    {
      photoId: 11,
      sha256: await sha256(a),
      fileName: 'grandma.jpg',
      caption: 'Oma am Strand, Sommer 1962 — Müritz',
      originalPath: a,
      frame: { rotation: 0, tilt: 0, crop: null },
      // What import records from the EXIF date (the library's date taken).
      takenAt: '1962-07-14T15:30:00',
      version: { id: 5, outputPath: v, modelId: 'bopb-test', options: { scratches: 'auto' }, createdAt: null }
    },
    {
      photoId: 12,
      sha256: await sha256(b),
      fileName: 'CON.png',
      caption: '../../etc/passwd\u202E',
      originalPath: b,
      frame: { rotation: 0, tilt: 0, crop: null },
      takenAt: null,
      version: null
    },
    {
      photoId: 13,
      sha256: await sha256(c),
      fileName: 'scan 3.JPG',
      caption: null,
      originalPath: c,
      frame: { rotation: 0, tilt: 0, crop: null },
      takenAt: '1962-07-14T15:30:00',
      version: null
    }
  ];
}

export async function writeText(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}
