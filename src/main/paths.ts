/**
 * Where things live inside a library folder. Everything the library writes is
 * under one folder so it can be moved or backed up as a whole; paths stored in
 * SQLite are relative to it.
 *
 *   library.sqlite            the database (WAL)
 *   originals/ab/<sha>.<ext>  imported files, byte-for-byte, never modified
 *   thumbs/ab/<key>.webp      grid thumbnails (orientation applied); the key is the photo's media key:
 *                             <sha>, or <sha>.r90.c10_8_600_400 … for one the user turned or cropped (shared/media-key.ts)
 *   display/ab/<key>.png      full-size renditions of originals a browser cannot show (TIFF, BMP), or turned or cropped
 *   versions/<photo>/job-<n>/ restored outputs, masks and latent caches
 *   .tmp/                     partial writes; emptied when the library opens
 */
import { join } from 'node:path';

export const DB_FILE = 'library.sqlite';

export function shard(sha256: string): string {
  return sha256.slice(0, 2);
}

export function libraryPaths(libraryDir: string) {
  return {
    db: join(libraryDir, DB_FILE),
    tmp: join(libraryDir, '.tmp'),
    originalsDir: join(libraryDir, 'originals'),
    original: (sha256: string, ext: string) => join(libraryDir, 'originals', shard(sha256), `${sha256}${ext}`),
    /** `key`: a photo's media key, which starts with its sha256. */
    thumb: (key: string) => join(libraryDir, 'thumbs', shard(key), `${key}.webp`),
    display: (key: string) => join(libraryDir, 'display', shard(key), `${key}.png`),
    photoVersions: (photoId: number) => join(libraryDir, 'versions', String(photoId))
  };
}
export type LibraryPaths = ReturnType<typeof libraryPaths>;
