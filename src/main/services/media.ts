/**
 * Library media for <img>: thumbnails, originals, restored versions, their
 * thumbnails (made on first view, kept in the version's folder) and masks.
 * Originals a browser cannot show (TIFF) get a full-resolution PNG rendition,
 * made once and cached; a missing thumbnail is made again from the original.
 * A photo the user turned or cropped has its own thumbnail and full-size
 * rendition (its key says so: `shared/media-key.ts`); the ones of its earlier
 * turns and crops are removed when it changes (`removeRenditions`).
 */
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import sharp from 'sharp';
import { cropProblem, parseCrop, shownFrame } from '../../shared/crop.ts';
import { StudioError } from '../../shared/errors.ts';
import { type PhotoFrame, parsePhotoMediaKey, photoMediaKey } from '../../shared/media-key.ts';
import type { MediaKind } from '../../shared/types.ts';
import { versionFilePath } from '../library/queries/jobs-versions.ts';
import { findPhotoBySha } from '../library/queries/photos.ts';
import { BROWSER_FORMATS, MAX_PIXELS } from '../import/formats.ts';
import { moveIntoPlace, tmpName, writeThumbnail } from '../import/store.ts';
import { framed } from '../image/photo-frame.ts';
import { libraryPaths, shard } from '../paths.ts';

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.tiff': 'image/tiff',
  '.tif': 'image/tiff',
  '.bmp': 'image/bmp'
};

/**
 * A version's grid thumbnail sits beside its output file, named after it (unique even where versions share a folder).
 */
export const versionThumbPath = (output: string): string => `${output}.thumb.webp`;

/**
 * Removes a photo's thumbnails and full-size renditions, all turns and crops of it, except the one for
 * `keepKey`. They are remade on demand, so this is only ever about disk space.
 */
export async function removeRenditions(libraryDir: string, sha256: string, keepKey?: string): Promise<void> {
  for (const [dir, ext] of [
    ['thumbs', '.webp'],
    ['display', '.png']
  ] as const) {
    const folder = join(libraryDir, dir, shard(sha256));
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith(ext) || !(name === `${sha256}${ext}` || name.startsWith(`${sha256}.`))) continue;
      if (keepKey !== undefined && name === `${keepKey}${ext}`) continue;
      await rm(join(folder, name), { force: true });
    }
  }
}

export function createMediaReader(db: Database.Database, libraryDir: string) {
  const paths = libraryPaths(libraryDir);
  const making = new Map<string, Promise<void>>();

  /** One rendition at a time per file, even when the grid asks twice. */
  function once(dest: string, make: () => Promise<void>): Promise<void> {
    let p = making.get(dest);
    if (!p) {
      p = make().finally(() => making.delete(dest));
      making.set(dest, p);
    }
    return p;
  }

  /**
   * `<sha256>[.r90|.r180|.r270][.t<degrees>][.c<left>_<top>_<width>_<height>]`:
   * a photo, and the turn, tilt and crop to show it with.
   */
  function photoByKey(key: string): {
    sha256: string;
    ext: string;
    format: string;
    frame: PhotoFrame;
    current: boolean;
  } {
    const parsed = parsePhotoMediaKey(key);
    if (!parsed)
      throw new StudioError(
        'invalid-input',
        'media key must be a sha256, optionally with .r90, .r180 or .r270, .t<degrees> and .c<left>_<top>_<width>_<height>'
      );
    const row = findPhotoBySha(db, parsed.sha256);
    if (!row) throw new StudioError('not-found', 'no such photo');
    const problem =
      parsed.crop && cropProblem(parsed.crop, shownFrame({ ...row, rotation: parsed.rotation, tilt: parsed.tilt }));
    if (problem) throw new StudioError('invalid-input', `media key: ${problem}`);
    // The photo as it is now, turned only (what the crop tool draws on), and as imported: the views the app shows.
    const now = { sha256: row.sha256, rotation: row.rotation, tilt: row.tilt, crop: parseCrop(row.crop) };
    const current =
      key === row.sha256 || key === photoMediaKey(now) || key === photoMediaKey({ ...now, tilt: 0, crop: null });
    return {
      sha256: row.sha256,
      ext: row.ext,
      format: row.format,
      frame: { rotation: parsed.rotation, tilt: parsed.tilt, crop: parsed.crop },
      current
    };
  }

  /**
   * Renditions are kept on disk only for the views the app shows, so each photo has at most three of each
   * kind: any other valid key would otherwise write a new file, and a token holder could fill the disk.
   */
  function assertCurrent(p: { current: boolean }): void {
    if (!p.current)
      throw new StudioError('not-found', 'that turn, straightening or crop is not the photo’s current one');
  }

  function versionFile(key: string, column: 'output_path' | 'mask_path'): string {
    if (!/^\d{1,15}$/.test(key)) throw new StudioError('invalid-input', 'media key must be a version id');
    const rel = versionFilePath(db, Number(key), column);
    if (!rel) throw new StudioError('not-found', `version ${key} has no ${column === 'mask_path' ? 'mask' : 'output'}`);
    const full = resolve(libraryDir, rel);
    if (!full.startsWith(resolve(libraryDir, 'versions') + sep))
      throw new StudioError('invalid-input', 'version file is outside the library');
    return full;
  }

  return async function readMedia(kind: MediaKind, key: string): Promise<{ path: string; mime: string }> {
    switch (kind) {
      case 'thumb': {
        const p = photoByKey(key);
        const dest = paths.thumb(key);
        if (!existsSync(dest)) {
          assertCurrent(p);
          await once(dest, async () =>
            moveIntoPlace(await writeThumbnail(paths.original(p.sha256, p.ext), paths.tmp, p.frame), dest)
          );
        }
        return { path: dest, mime: 'image/webp' };
      }
      case 'version-thumb': {
        const output = versionFile(key, 'output_path');
        const dest = versionThumbPath(output);
        if (!existsSync(output)) throw new StudioError('not-found', `version ${key}'s output is missing`);
        // Renamed into the version's folder without creating it: a version deleted meanwhile stays deleted
        // (the rename fails and the grid shows no preview) instead of coming back as a folder with a thumbnail.
        if (!existsSync(dest)) {
          await once(dest, async () => {
            const tmp = await writeThumbnail(output, paths.tmp);
            await rename(tmp, dest).catch(async (err: NodeJS.ErrnoException) => {
              await rm(tmp, { force: true });
              throw err.code === 'ENOENT' ? new StudioError('not-found', `version ${key} was deleted`) : err;
            });
          });
        }
        return { path: dest, mime: 'image/webp' };
      }
      case 'original': {
        const p = photoByKey(key);
        const original = paths.original(p.sha256, p.ext);
        if (BROWSER_FORMATS.has(p.format) && p.frame.rotation === 0 && p.frame.tilt === 0 && !p.frame.crop)
          return { path: original, mime: MIME[p.ext] ?? 'application/octet-stream' };
        const dest = paths.display(key);
        if (!existsSync(dest)) {
          assertCurrent(p);
          await once(dest, async () => {
            const tmp = tmpName(paths.tmp, '.png');
            // Full resolution, orientation, turn, straightening and crop applied, 8-bit sRGB: what a browser can show
            // of a 16-bit TIFF.
            // A crop is extracted here so that the mask editor's underlay matches the restored version pixel for pixel.
            await (
              await framed(sharp(original, { limitInputPixels: MAX_PIXELS }), p.frame)
            )
              .toColourspace('srgb')
              .png({ compressionLevel: 3 })
              .toFile(tmp);
            await moveIntoPlace(tmp, dest);
          });
        }
        return { path: dest, mime: 'image/png' };
      }
      case 'version': {
        const file = versionFile(key, 'output_path');
        return { path: file, mime: MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' };
      }
      case 'mask':
        return { path: versionFile(key, 'mask_path'), mime: 'image/png' };
      default:
        throw new StudioError('not-found', `unknown media kind "${String(kind)}"`);
    }
  };
}
