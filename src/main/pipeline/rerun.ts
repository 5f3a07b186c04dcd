/**
 * Mapping-only re-run: a version's cached latent, a new mask, map + decode.
 * Given the parent's output, only the tiles whose mask changed (and their
 * neighbours for blending) run; everything else keeps the parent's mapped
 * latent and pixels, which is what makes a local mask edit fast.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { StudioError } from '../../shared/errors.ts';
import { join } from 'node:path';
import sharp from 'sharp';
import { exists } from './atomic-write.ts';
import { encodeMaskPng, readMask } from './image-io.ts';
import {
  LATENT_FILE,
  type LatentHeader,
  MAPPED_FILE,
  MASK_FILE,
  readHalves,
  readLatentCache,
  readLatentHeader,
  writeLatentCache
} from './latent-cache-files.ts';
import { latentMask } from './mask.ts';
import { mapAndWrite, type PreviousRun, type RestoreOptions, type RestoreResult, startRun } from './restore.ts';
import type { ModelSessions } from './sessions.ts';

/** Options of a re-run. */
export interface RerunOptions extends Omit<RestoreOptions, 'scratches' | 'maskPath' | 'cacheDir'> {
  /** Where the new version's cache goes (shares the parent's latent). */
  newCacheDir?: string | null;
  /** The parent version's output: enables the tile-local re-run. */
  previousOutput?: string | null;
}

export async function rerunMapping(
  sessions: ModelSessions,
  cacheDir: string,
  maskPath: string,
  options: RerunOptions
): Promise<RestoreResult> {
  const { ctx, seconds, overwrite } = await startRun(sessions, options);
  const header = await readLatentHeader(cacheDir, sessions.models.manifest.stages.encode.sha256);
  const mask = await readMask(maskPath, header.width, header.height);
  const maskPng = await encodeMaskPng(
    mask.map((v) => v * 255),
    header.width,
    header.height
  );
  const previous = options.previousOutput
    ? await loadPrevious(sessions, cacheDir, header, options.previousOutput)
    : null;
  // A partial run reads only the tiles it maps from the cache file: one latent fewer in memory.
  const latent = previous
    ? { fd: openSync(join(cacheDir, LATENT_FILE), 'r') }
    : (await readLatentCache(cacheDir, header.encodeSha256)).latent;
  try {
    const expected = header.channels * header.latH * header.latW * 2;
    if (!(latent instanceof Uint16Array) && fstatSync(latent.fd).size !== expected) {
      throw new StudioError(
        'corrupt-file',
        `latent cache ${cacheDir} is damaged (expected ${expected} bytes); run a full restore`
      );
    }
    if (options.newCacheDir) await writeLatentCache(options.newCacheDir, header, { shareFrom: cacheDir }, maskPng);
    const result = await mapAndWrite(ctx, header, latent, mask, { ...options, overwrite }, maskPng, {
      cacheDir: options.newCacheDir,
      previous
    });
    return { ...result, cacheDir: options.newCacheDir ?? null, seconds };
  } finally {
    if (!(latent instanceof Uint16Array)) closeSync(latent.fd);
  }
}

/** The parent's mapped latent, latent mask and pixels; null (full re-run) if any is missing or does not match. */
async function loadPrevious(
  sessions: ModelSessions,
  cacheDir: string,
  header: LatentHeader,
  output: string
): Promise<PreviousRun | null> {
  const mappedPath = join(cacheDir, MAPPED_FILE);
  const maskPath = join(cacheDir, MASK_FILE);
  if (!(await exists(mappedPath)) || !(await exists(maskPath)) || !(await exists(output))) return null;
  try {
    const deep = header.bitDepth === 16;
    const space = header.imageChannels === 1 ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb';
    const { data, info } = await sharp(output)
      .toColourspace(space)
      .raw({ depth: deep ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== header.width || info.height !== header.height || info.channels !== header.imageChannels)
      return null;
    const pixels = deep
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const oldMask = await readMask(maskPath, header.width, header.height);
    const latMask = latentMask(
      oldMask,
      header.width,
      header.height,
      header.latH,
      header.latW,
      sessions.models.manifest.detect.dilate
    );
    const mapped = await readHalves(mappedPath, header.channels * header.latH * header.latW);
    return { mapped, latMask, pixels };
  } catch {
    return null; // a damaged parent only costs speed: the re-run recomputes everything
  }
}
