/**
 * Writing into the content-addressed store. Every file is first written under
 * `.tmp/` and renamed into place, so a kill at any moment leaves either the
 * whole file or nothing (and `.tmp/` is emptied when the library opens).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { StudioError } from '../../shared/errors.ts';
import { EMPTY_FILE } from './errors.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';
import { framed, UNFRAMED } from '../image/photo-frame.ts';
import { MAX_PIXELS, THUMB_SIZE } from './formats.ts';

export function tmpName(tmpDir: string, suffix = ''): string {
  return join(tmpDir, `${randomUUID()}${suffix}`);
}

/** Copies `src` to a temp file while hashing it: the stored bytes are exactly the hashed bytes. */
export async function copyHashed(src: string, tmpDir: string): Promise<{ tmp: string; sha256: string; bytes: number }> {
  const tmp = tmpName(tmpDir);
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    }
  });
  try {
    await pipeline(createReadStream(src), tap, createWriteStream(tmp, { flags: 'wx' }));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (bytes === 0) {
    await rm(tmp, { force: true });
    throw new StudioError('corrupt-file', EMPTY_FILE);
  }
  return { tmp, sha256: hash.digest('hex'), bytes };
}

/**
 * Decodes the whole image (this is where damaged files are caught) and writes a WebP thumbnail, orientation, turn,
 * straightening and crop applied.
 */
export async function writeThumbnail(src: string, tmpDir: string, frame: PhotoFrame = UNFRAMED): Promise<string> {
  const tmp = tmpName(tmpDir, '.webp');
  try {
    await (
      await framed(sharp(src, { limitInputPixels: MAX_PIXELS, failOn: 'truncated' }), frame)
    )
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .webp({ quality: 80 })
      .toFile(tmp);
    return tmp;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Renames a finished temp file to its place in the store (same file system, so atomic). */
export async function moveIntoPlace(tmp: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  await rename(tmp, dest);
}
