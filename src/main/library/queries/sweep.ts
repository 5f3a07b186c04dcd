/** What the start-up sweep (`library/maintenance.ts`) must keep: every file a row or a waiting job points at. */
import type Database from 'better-sqlite3';
import { statement } from './statement.ts';

export function storedPhotoShas(db: Database.Database): string[] {
  return statement(db, 'SELECT sha256 FROM photos').pluck().all() as string[];
}

/** Every version's output, latent and mask path (null where it has none). */
export function versionFilePaths(db: Database.Database): (string | null)[] {
  return (
    statement(db, 'SELECT output_path, latent_path, mask_path FROM versions').raw().all() as (string | null)[][]
  ).flat();
}

/** Queued and running jobs: each owns its job folder, and a re-run its edited mask (in `options`). */
export function activeJobFiles(db: Database.Database): { id: number; photo_id: number; options: string | null }[] {
  return statement(db, "SELECT id, photo_id, options FROM jobs WHERE state IN ('queued', 'running')").all() as {
    id: number;
    photo_id: number;
    options: string | null;
  }[];
}
