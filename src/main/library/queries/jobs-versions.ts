/**
 * What the job runner reads and writes besides the queue: the photo a job
 * restores, the version a re-run starts from, and the `versions` row a
 * finished restore creates (current if the photo had none; a mask re-run always).
 */
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/errors.ts';
import { parseCrop } from '../../../shared/crop.ts';
import type { PhotoFrame } from '../../../shared/media-key.ts';
import type { Rotation, VersionInfo } from '../../../shared/types.ts';
import { statement } from './statement.ts';

/** A restored version as the engine records it: the row before the database gives it an id and a time. */
export type VersionInput = Omit<VersionInfo, 'id' | 'createdAt'>;

/** A `versions` row, paths relative to the library folder. */
export interface VersionRow extends VersionInput {
  id: number;
  createdAt: string;
}

/** A row as SQLite gives it: named as `VersionRow` by the column list, options and stats still JSON text. */
type RawVersion = Omit<VersionRow, 'options' | 'stats'> & { options: string | null; stats: string | null };

const VERSION_COLUMNS = `id, photo_id AS photoId, kind, parent_version_id AS parentVersionId, model_id AS modelId, model_sha256 AS modelSha256, options,
  mask_path AS maskPath, output_path AS outputPath, latent_path AS latentPath, stats, created_at AS createdAt`;

function toVersion(r: RawVersion): VersionRow {
  return { ...r, options: r.options ? JSON.parse(r.options) : {}, stats: r.stats ? JSON.parse(r.stats) : {} };
}

/**
 * Inserts the version and, in the same transaction, makes it current if the photo had none, or
 * always for a mask re-run: the user asked for that fix, and exports write the current version
 * (the version it started from stays in the list, one click to go back).
 */
export function insertVersion(db: Database.Database, v: VersionInput): VersionRow {
  return db.transaction(() => {
    const info = statement(
      db,
      `INSERT INTO versions (photo_id, kind, parent_version_id, model_id, model_sha256, options, mask_path, output_path, latent_path, created_at, stats)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ).run(
      v.photoId,
      v.kind,
      v.parentVersionId,
      v.modelId,
      v.modelSha256,
      JSON.stringify(v.options),
      v.maskPath,
      v.outputPath,
      v.latentPath,
      new Date().toISOString(),
      JSON.stringify(v.stats)
    );
    const id = Number(info.lastInsertRowid);
    if (v.kind === 'rerun') statement(db, `UPDATE photos SET current_version_id = ? WHERE id = ?`).run(id, v.photoId);
    else
      statement(db, `UPDATE photos SET current_version_id = ? WHERE id = ? AND current_version_id IS NULL`).run(
        id,
        v.photoId
      );
    return getVersion(db, id);
  })();
}

export function getVersion(db: Database.Database, id: number): VersionRow {
  const row = statement(db, `SELECT ${VERSION_COLUMNS} FROM versions WHERE id = ?`).get(id) as RawVersion | undefined;
  if (!row) throw new StudioError('not-found', `no version ${id}`);
  return toVersion(row);
}

export function listVersions(db: Database.Database, photoId: number): VersionRow[] {
  return (
    statement(db, `SELECT ${VERSION_COLUMNS} FROM versions WHERE photo_id = ? ORDER BY id`).all(photoId) as RawVersion[]
  ).map(toVersion);
}

/** Deletes a version row; a photo whose current version it was falls back to its newest other version. */
export function deleteVersion(db: Database.Database, id: number): VersionRow {
  return db.transaction(() => {
    const v = getVersion(db, id);
    statement(db, `UPDATE jobs SET version_id = NULL WHERE version_id = ?`).run(id);
    statement(db, `UPDATE versions SET parent_version_id = NULL WHERE parent_version_id = ?`).run(id);
    const wasCurrent =
      statement(db, `UPDATE photos SET current_version_id = NULL WHERE id = ? AND current_version_id = ?`).run(
        v.photoId,
        id
      ).changes > 0;
    statement(db, `DELETE FROM versions WHERE id = ?`).run(id);
    if (wasCurrent)
      statement(
        db,
        `UPDATE photos SET current_version_id = (SELECT MAX(id) FROM versions WHERE photo_id = ?) WHERE id = ?`
      ).run(v.photoId, v.photoId);
    return v;
  })();
}

/** A version's output or mask, relative to the library; undefined when there is no such version. */
export function versionFilePath(
  db: Database.Database,
  id: number,
  column: 'output_path' | 'mask_path'
): string | null | undefined {
  return statement(db, `SELECT ${column} FROM versions WHERE id = ?`).pluck().get(id) as string | null | undefined;
}

/** Versions that keep a latent cache, by the folder it is in. */
export function latentCachePaths(db: Database.Database): { id: number; latentPath: string }[] {
  return statement(db, 'SELECT id, latent_path AS latentPath FROM versions WHERE latent_path IS NOT NULL').all() as {
    id: number;
    latentPath: string;
  }[];
}

/**
 * Forgets the latent caches no waiting job needs and returns them, for their files to be removed: a queued
 * or running re-run reads its parent version's cache, so those stay. One transaction: a re-run queued
 * meanwhile either sees its parent's cache kept or already gone.
 */
export function takeUnneededLatentCaches(db: Database.Database): { id: number; latentPath: string }[] {
  return db.transaction(() => {
    const needed = statement(
      db,
      "SELECT DISTINCT json_extract(options, '$.parentVersionId') FROM jobs WHERE kind = 'rerun' AND state IN ('queued', 'running')"
    )
      .pluck()
      .all() as (number | null)[];
    const keep = new Set(needed.filter((id) => id !== null).map(Number));
    const found = latentCachePaths(db).filter((c) => !keep.has(c.id));
    const clear = statement(db, 'UPDATE versions SET latent_path = NULL WHERE id = ?');
    for (const c of found) clear.run(c.id);
    return found;
  })();
}

/** The photo a job restores: where its original is in the store (`sha256`, `ext`) and the turn it is restored at. */
export function restoreSource(
  db: Database.Database,
  photoId: number
): { sha256: string; ext: string; fileName: string; frame: PhotoFrame } {
  const row = statement(db, `SELECT sha256, ext, file_name, rotation, tilt, crop FROM photos WHERE id = ?`).get(
    photoId
  ) as
    | { sha256: string; ext: string; file_name: string; rotation: Rotation; tilt: number; crop: string | null }
    | undefined;
  if (!row) throw new StudioError('not-found', `no photo ${photoId}`);
  return {
    sha256: row.sha256,
    ext: row.ext,
    fileName: row.file_name,
    frame: { rotation: row.rotation, tilt: row.tilt, crop: parseCrop(row.crop) }
  };
}
