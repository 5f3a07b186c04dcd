/**
 * Where things are: the files inside a library folder, which library folder
 * the app opens, and where the model set is looked for.
 *
 * Everything the library writes is under one folder so it can be moved or
 * backed up as a whole; paths stored in SQLite are relative to it.
 *
 *   library.sqlite            the database (WAL)
 *   originals/ab/<sha>.<ext>  imported files, byte-for-byte, never modified
 *   thumbs/ab/<key>.webp      grid thumbnails (orientation applied); the key is the photo's media key:
 *                             <sha>, or <sha>.r90.c10_8_600_400 … for one the user turned or cropped (shared/media-key.ts)
 *   display/ab/<key>.png      full-size renditions of originals a browser cannot show (TIFF, BMP), or turned or cropped
 *   versions/<photo>/job-<n>/ restored outputs, masks and latent caches
 *   .tmp/                     partial writes; emptied when the library opens
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** In the app's userData folder: the library folder chosen in Settings. */
const CONFIG = 'heirloom.json';

/**
 * Which library folder the app opens: `--library DIR` (or `--library=DIR`), then HEIRLOOM_LIBRARY,
 * then the folder the user chose in Settings, then `<userData>/library`.
 */
export function resolveLibraryDir(argv: string[], env: NodeJS.ProcessEnv, userData: string): string {
  const i = argv.indexOf('--library');
  const eq = argv.find((a) => a.startsWith('--library='));
  const fromArgs = i >= 0 ? argv[i + 1] : eq?.slice('--library='.length);
  if (fromArgs) return resolve(fromArgs);
  if (env.HEIRLOOM_LIBRARY) return resolve(env.HEIRLOOM_LIBRARY);
  return savedLibraryDir(userData) ?? join(userData, 'library');
}

export function savedLibraryDir(userData: string): string | null {
  try {
    const saved = JSON.parse(readFileSync(join(userData, CONFIG), 'utf8')) as { libraryDir?: unknown };
    return typeof saved.libraryDir === 'string' && isAbsolute(saved.libraryDir) ? saved.libraryDir : null;
  } catch {
    // Missing or unreadable: the default folder.
    return null;
  }
}

/** Written to a temp file and renamed, so a crash never leaves half a config. */
export function saveLibraryDir(userData: string, libraryDir: string): void {
  const file = join(userData, CONFIG);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ libraryDir: resolve(libraryDir) }, null, 2));
  renameSync(`${file}.tmp`, file);
}

/**
 * Where the model set is looked for when none is given: `$HEIRLOOM_MODELS`, the packaged app's
 * resources, then the repository's `resources/models`, found from the sources (src/main), from the
 * electron-vite bundle (out/main, or a shared chunk under it) or from the working folder.
 */
export function defaultModelDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.HEIRLOOM_MODELS) dirs.push(resolve(process.env.HEIRLOOM_MODELS));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) dirs.push(join(packaged, 'models'));
  const here = dirname(fileURLToPath(import.meta.url));
  dirs.push(
    resolve(here, '../../resources/models'),
    resolve(here, '../../../resources/models'),
    resolve(process.cwd(), 'resources/models')
  );
  return [...new Set(dirs)];
}
