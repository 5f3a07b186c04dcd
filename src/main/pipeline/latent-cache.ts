/**
 * The latent cache of one restore: the encoder's full-image latent (raw
 * little-endian float32, [C][h][w]), the mask it was mapped with (PNG) and a
 * JSON header with what a mapping-only re-run needs to write the same output
 * again (size, bit depth, grey or colour, carried EXIF). The header is written
 * last, so a directory without one is an unfinished cache and is ignored.
 */
import { copyFile, link, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors.ts';
import type { ExifTags } from '../export/metadata.ts';

/** What `latent.json` holds. */
export interface LatentHeader {
  format: 1;
  modelId: string;
  /** sha256 of the encoder that made the latent: a different encoder makes the cache stale. */
  encodeSha256: string;
  channels: number;
  latH: number;
  latW: number;
  width: number;
  height: number;
  imageChannels: 1 | 3;
  bitDepth: 8 | 16;
  exif: ExifTags;
  hadIcc: boolean;
}

export const LATENT_FILE = 'latent.f32';
export const HEADER_FILE = 'latent.json';
export const MASK_FILE = 'mask.png';

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** Writes a cache; `latent` may instead name an existing cache whose latent is shared (hard link, copy as fallback). */
export async function writeLatentCache(dir: string, header: LatentHeader, latent: Float32Array | { shareFrom: string }, maskPng: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (latent instanceof Float32Array) await writeAtomically(join(dir, LATENT_FILE), new Uint8Array(latent.buffer, latent.byteOffset, latent.byteLength));
  else {
    const from = join(latent.shareFrom, LATENT_FILE);
    const to = join(dir, LATENT_FILE);
    // A re-run's latent is the parent's, byte for byte: share it instead of writing hundreds of MB again.
    await link(from, to).catch(async () => {
      await copyFile(from, `${to}.tmp-${process.pid}`);
      await rename(`${to}.tmp-${process.pid}`, to);
    });
  }
  await writeAtomically(join(dir, MASK_FILE), maskPng);
  await writeAtomically(join(dir, HEADER_FILE), JSON.stringify(header, null, 1));
}

export async function readLatentCache(dir: string, encodeSha256: string): Promise<{ header: LatentHeader; latent: Float32Array }> {
  let header: LatentHeader;
  try {
    header = JSON.parse(await readFile(join(dir, HEADER_FILE), 'utf8')) as LatentHeader;
  } catch {
    throw new StudioError('not-found', `no latent cache in ${dir}: restore the photo fully first`);
  }
  if (header.format !== 1) throw new StudioError('model', `latent cache ${dir} has unknown format ${String(header.format)}`);
  if (header.encodeSha256 !== encodeSha256) {
    throw new StudioError('conflict', `latent cache ${dir} was made by another encoder (model ${header.modelId}); run a full restore`);
  }
  const expected = header.channels * header.latH * header.latW * 4;
  // Read straight into the float array: no second copy of a latent that can be hundreds of MB.
  const latent = new Float32Array(expected / 4);
  const file = await open(join(dir, LATENT_FILE), 'r');
  try {
    const { size } = await file.stat();
    if (size !== expected) throw new StudioError('corrupt-file', `latent cache ${dir} is damaged (${size} bytes, expected ${expected})`);
    await file.read(new Uint8Array(latent.buffer), 0, expected, 0);
  } finally {
    await file.close();
  }
  return { header, latent };
}
