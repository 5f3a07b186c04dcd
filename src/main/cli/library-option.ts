/** The `--library DIR` option every library command shares, and opening an existing library read-only. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StudioError } from '../../shared/errors.ts';
import { migrations } from '../library/migrations.ts';
import { openLibrary } from '../library/open-library.ts';
import { libraryPaths } from '../paths.ts';

/** `--library DIR`, else HEIRLOOM_LIBRARY, resolved; an error naming both when neither is given. */
export function libraryDirOption(value: string | undefined): string {
  const dir = value ?? process.env.HEIRLOOM_LIBRARY;
  if (!dir) throw new StudioError('invalid-input', '--library DIR is required (or set HEIRLOOM_LIBRARY)');
  return resolve(dir);
}

/**
 * For commands that only read (list, export): never creates a library. One written by an older Heirloom
 * is brought up to date first, as the app does when it opens it (the queries read its newer columns);
 * one from a newer Heirloom is refused by name.
 */
export function openExistingLibraryReadOnly(libraryDir: string): Database.Database {
  const dbPath = libraryPaths(libraryDir).db;
  if (!existsSync(dbPath))
    throw new StudioError('not-found', `no Heirloom library at ${libraryDir} (missing library.sqlite)`);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  if ((db.pragma('user_version', { simple: true }) as number) === migrations.at(-1)!.version) return db;
  db.close();
  openLibrary(libraryDir).close();
  return new Database(dbPath, { readonly: true, fileMustExist: true });
}
