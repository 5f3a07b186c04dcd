/**
 * What the job runner reads and writes besides the queue: where a photo's
 * original lives, the version a re-run starts from, and the `versions` row a
 * finished restore creates (current if the photo had none; a mask re-run always).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/errors.ts';
import { parseCrop } from '../../../shared/crop.ts';
import type { PhotoFrame } from '../../../shared/media-key.ts';
import type { Rotation, VersionInfo } from '../../../shared/types.ts';

/** A restored version as the engine records it: the row before the database gives it an id and a time. */
export type VersionInput = Omit<VersionInfo, 'id' | 'createdAt'>;

/** A `versions` row, paths relative to the library folder. */
export interface VersionRow extends VersionInput {
  id: number;
  createdAt: string;
}

interface RawVersion {
  id: number;
  photo_id: number;
  kind: 'restore' | 'rerun';
  parent_version_id: number | null;
  model_id: string;
  model_sha256: string;
  options: string | null;
  mask_path: string | null;
  output_path: string;
  latent_path: string | null;
  created_at: string;
  stats: string | null;
}

function toVersion(r: RawVersion): VersionRow {
  return {
    id: r.id,
    photoId: r.photo_id,
    kind: r.kind,
    parentVersionId: r.parent_version_id,
    modelId: r.model_id,
    modelSha256: r.model_sha256,
    options: r.options ? JSON.parse(r.options) : {},
    maskPath: r.mask_path,
    outputPath: r.output_path,
    latentPath: r.latent_path,
    stats: r.stats ? JSON.parse(r.stats) : {},
    createdAt: r.created_at
  };
}

/**
 * Inserts the version and, in the same transaction, makes it current if the photo had none, or
 * always for a mask re-run: the user asked for that fix, and exports write the current version
 * (the version it started from stays in the list, one click to go back).
 */
export function insertVersion(db: Database.Database, v: VersionInput): VersionRow {
  return db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO versions (photo_id, kind, parent_version_id, model_id, model_sha256, options, mask_path, output_path, latent_path, created_at, stats)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(v.photoId, v.kind, v.parentVersionId, v.modelId, v.modelSha256, JSON.stringify(v.options), v.maskPath, v.outputPath, v.latentPath, new Date().toISOString(), JSON.stringify(v.stats));
    const id = Number(info.lastInsertRowid);
    if (v.kind === 'rerun') db.prepare(`UPDATE photos SET current_version_id = ? WHERE id = ?`).run(id, v.photoId);
    else db.prepare(`UPDATE photos SET current_version_id = ? WHERE id = ? AND current_version_id IS NULL`).run(id, v.photoId);
    return getVersion(db, id);
  })();
}

export function getVersion(db: Database.Database, id: number): VersionRow {
  const row = db.prepare(`SELECT * FROM versions WHERE id = ?`).get(id) as RawVersion | undefined;
  if (!row) throw new StudioError('not-found', `no version ${id}`);
  return toVersion(row);
}

export function listVersions(db: Database.Database, photoId: number): VersionRow[] {
  return (db.prepare(`SELECT * FROM versions WHERE photo_id = ? ORDER BY id`).all(photoId) as RawVersion[]).map(toVersion);
}

/** Deletes a version row; a photo whose current version it was falls back to its newest other version. */
export function deleteVersion(db: Database.Database, id: number): VersionRow {
  return db.transaction(() => {
    const v = getVersion(db, id);
    db.prepare(`UPDATE jobs SET version_id = NULL WHERE version_id = ?`).run(id);
    db.prepare(`UPDATE versions SET parent_version_id = NULL WHERE parent_version_id = ?`).run(id);
    const wasCurrent = db.prepare(`UPDATE photos SET current_version_id = NULL WHERE id = ? AND current_version_id = ?`).run(v.photoId, id).changes > 0;
    db.prepare(`DELETE FROM versions WHERE id = ?`).run(id);
    if (wasCurrent) db.prepare(`UPDATE photos SET current_version_id = (SELECT MAX(id) FROM versions WHERE photo_id = ?) WHERE id = ?`).run(v.photoId, v.photoId);
    return v;
  })();
}

/** The original file of a photo in the content-addressed store `originals/ab/<sha256>.<ext>`, and the turn it is restored at. */
export function originalFile(db: Database.Database, libraryDir: string, photoId: number): { path: string; fileName: string; frame: PhotoFrame } {
  const row = db.prepare(`SELECT sha256, file_name, rotation, tilt, crop FROM photos WHERE id = ?`).get(photoId) as { sha256: string; file_name: string; rotation: Rotation; tilt: number; crop: string | null } | undefined;
  if (!row) throw new StudioError('not-found', `no photo ${photoId}`);
  const shard = join(libraryDir, 'originals', row.sha256.slice(0, 2));
  let names: string[] = [];
  try {
    names = readdirSync(shard);
  } catch {
    /* reported below */
  }
  const hit = names.find((n) => n === row.sha256 || n.startsWith(`${row.sha256}.`));
  if (!hit) throw new StudioError('not-found', `the original of ${row.file_name} is missing from the library (${shard})`);
  return { path: join(shard, hit), fileName: row.file_name, frame: { rotation: row.rotation, tilt: row.tilt, crop: parseCrop(row.crop) } };
}
