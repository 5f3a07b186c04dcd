/**
 * Opens (creating if needed) the library database in a folder: WAL so readers
 * never wait for the import writer, foreign keys on, and every pending
 * migration applied. Leftover partial writes of a killed process are removed
 * here, so a library is always consistent when it opens.
 */
import { mkdirSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StudioError } from '../../shared/errors.ts';
import { libraryPaths } from '../paths.ts';
import { migrations } from './migrations.ts';

export function openLibrary(libraryDir: string): Database.Database {
  const paths = libraryPaths(libraryDir);
  try {
    mkdirSync(libraryDir, { recursive: true });
    rmSync(paths.tmp, { recursive: true, force: true });
    mkdirSync(paths.tmp, { recursive: true });
  } catch (err) {
    throw new StudioError('io', `cannot use library folder ${libraryDir}: ${(err as Error).message}`);
  }
  let db: Database.Database;
  try {
    db = new Database(paths.db);
  } catch (err) {
    throw new StudioError('io', `cannot open library database ${paths.db}: ${(err as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof StudioError) throw err;
    throw new StudioError('io', `library database ${paths.db} is unusable: ${(err as Error).message}`);
  }
  return db;
}

/** Applies every migration newer than `user_version`; refuses a database from a newer Heirloom. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)!.version;
  if (current > latest) {
    throw new StudioError(
      'conflict',
      `this library was written by a newer Heirloom (schema ${current}, this version knows ${latest})`
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.after?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}
