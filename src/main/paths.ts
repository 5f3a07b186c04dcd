/**
 * Where things live inside a library folder. Everything the library writes is
 * under one folder so it can be moved or backed up as a whole; paths stored in
 * SQLite are relative to it.
 *
 *   library.sqlite            the database (WAL)
 *   originals/ab/<sha>.<ext>  imported files, byte-for-byte, never modified
 *   thumbs/ab/<sha>.webp      grid thumbnails (orientation applied; <sha>.r90.webp … for a photo the user turned)
 *   display/ab/<sha>.png      full-size renditions of originals a browser cannot show (TIFF, BMP), or turned (<sha>.r90.png …)
 *   versions/<photo>/job-<n>/ restored outputs, masks and latent caches
 *   .tmp/                     partial writes; emptied when the library opens
 */
import { join } from 'node:path';
import type { Rotation } from '../shared/types.ts';

export const DB_FILE = 'library.sqlite';

export function shard(sha256: string): string {
  return sha256.slice(0, 2);
}

const turned = (rotation: Rotation): string => (rotation === 0 ? '' : `.r${rotation}`);

export function libraryPaths(libraryDir: string) {
  return {
    db: join(libraryDir, DB_FILE),
    tmp: join(libraryDir, '.tmp'),
    originalsDir: join(libraryDir, 'originals'),
    original: (sha256: string, ext: string) => join(libraryDir, 'originals', shard(sha256), `${sha256}${ext}`),
    thumb: (sha256: string, rotation: Rotation = 0) => join(libraryDir, 'thumbs', shard(sha256), `${sha256}${turned(rotation)}.webp`),
    display: (sha256: string, rotation: Rotation = 0) => join(libraryDir, 'display', shard(sha256), `${sha256}${turned(rotation)}.png`),
    photoVersions: (photoId: number) => join(libraryDir, 'versions', String(photoId))
  };
}
export type LibraryPaths = ReturnType<typeof libraryPaths>;
