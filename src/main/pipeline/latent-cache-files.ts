/**
 * The latent cache of one restore: the encoder's full-image latent (raw
 * little-endian IEEE half floats, [C][h][w]; see half.ts), the mask it was mapped with (PNG) and a
 * JSON header with what a mapping-only re-run needs to write the same output
 * again (size, bit depth, grey or colour, carried EXIF). The header is written
 * last, so a directory without one is an unfinished cache and is ignored.
 */
import { copyFile, link, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors.ts';
import type { ExifTags } from '../image/metadata.ts';

/** What `latent.json` holds. */
export interface LatentHeader {
  /** 2: half-float latents (format 1 held float32 and is refused: run a full restore). */
  format: 2;
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
  /** The original's pixels per inch, carried into every restored version made from this cache. */
  density?: number;
  /** The whole photo's latent statistics (context.ts), kept when the mapping takes them. */
  context?: number[];
  /** The photo's tone correction (tone.ts), kept when the model set has a tone stage. */
  tone?: number[];
}

export const LATENT_FILE = 'latent.f16';
export const HEADER_FILE = 'latent.json';
export const MASK_FILE = 'mask.png';
/** The mapped latent (after map, before decode): lets a re-run keep the parent's values outside the edited tiles. */
export const MAPPED_FILE = 'mapped.f16';

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** Writes a cache; `latent` may instead name an existing cache whose latent is shared (hard link, copy as fallback). */
export async function writeLatentCache(
  dir: string,
  header: LatentHeader,
  latent: Uint16Array | { shareFrom: string },
  maskPng: Buffer
): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (latent instanceof Uint16Array)
    await writeAtomically(join(dir, LATENT_FILE), new Uint8Array(latent.buffer, latent.byteOffset, latent.byteLength));
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

/** The cache's header without the model check: enough to validate a mask before a re-run is queued. */
export async function peekLatentHeader(dir: string): Promise<LatentHeader> {
  let header: LatentHeader;
  try {
    header = JSON.parse(await readFile(join(dir, HEADER_FILE), 'utf8')) as LatentHeader;
  } catch {
    throw new StudioError('not-found', `no latent cache in ${dir}: restore the photo fully first`);
  }
  if ((header.format as number) === 1)
    throw new StudioError('conflict', `latent cache ${dir} was written by an older Heirloom; run a full restore`);
  if (header.format !== 2)
    throw new StudioError('model', `latent cache ${dir} has unknown format ${String(header.format)}`);
  return header;
}

/** The header of a cache, checked against the encoder that would use it. */
export async function readLatentHeader(dir: string, encodeSha256: string): Promise<LatentHeader> {
  const header = await peekLatentHeader(dir);
  if (header.encodeSha256 !== encodeSha256) {
    throw new StudioError(
      'conflict',
      `latent cache ${dir} was made by another encoder (model ${header.modelId}); run a full restore`
    );
  }
  return header;
}

export async function readLatentCache(
  dir: string,
  encodeSha256: string
): Promise<{ header: LatentHeader; latent: Uint16Array }> {
  const header = await readLatentHeader(dir, encodeSha256);
  return { header, latent: await readHalves(join(dir, LATENT_FILE), header.channels * header.latH * header.latW) };
}

/** Reads `count` half floats straight into a new array: no second copy of a buffer that can be hundreds of MB. */
export async function readHalves(path: string, count: number): Promise<Uint16Array> {
  const out = new Uint16Array(count);
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size !== count * 2)
      throw new StudioError('corrupt-file', `cache file ${path} is damaged (${size} bytes, expected ${count * 2})`);
    const bytes = new Uint8Array(out.buffer);
    for (let at = 0; at < bytes.length;) {
      const { bytesRead } = await file.read(bytes, at, Math.min(bytes.length - at, 1 << 30), at);
      if (bytesRead === 0) throw new StudioError('corrupt-file', `cache file ${path} ended early`);
      at += bytesRead;
    }
  } finally {
    await file.close();
  }
  return out;
}

export async function writeMapped(dir: string, mapped: Uint16Array): Promise<void> {
  await writeAtomically(join(dir, MAPPED_FILE), new Uint8Array(mapped.buffer, mapped.byteOffset, mapped.byteLength));
}
