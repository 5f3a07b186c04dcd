/**
 * Between a queued job row and the files of a version: where a job's work
 * goes (`versions/<photo>/job-<id>/`), the runner's view of the job with every
 * path resolved, and the `versions` row a finished job becomes. Paths in the
 * database are relative to the library folder, so a moved library still works.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { endJob, findJob, type JobRow } from '../library/queries/jobs-queue.ts';
import { StudioError } from '../../shared/errors.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';
import { getVersion, insertVersion, restoreSource, type VersionRow } from '../library/queries/jobs-versions.ts';
import { libraryPaths } from '../paths.ts';
import { HEADER_FILE } from '../pipeline/latent-cache-files.ts';
import type { RestoreResult, ScratchMode } from '../pipeline/restore.ts';
import type { RunnerJob } from './runner-protocol.ts';

export function libraryRelative(libraryDir: string, p: string): string {
  return relative(libraryDir, p).split('\\').join('/');
}

export function jobDir(libraryDir: string, job: Pick<JobRow, 'id' | 'photoId'>): string {
  return join(libraryDir, 'versions', String(job.photoId), `job-${job.id}`);
}

/** The original a job restores, in the store, and the turn it is restored at; `not-found` when the file is gone. */
export function originalFile(
  db: Database.Database,
  libraryDir: string,
  photoId: number
): { path: string; fileName: string; frame: PhotoFrame } {
  const source = restoreSource(db, photoId);
  const path = libraryPaths(libraryDir).original(source.sha256, source.ext);
  if (!existsSync(path))
    throw new StudioError(
      'not-found',
      `the original of ${source.fileName} is missing from the library (${dirname(path)})`
    );
  return { path, fileName: source.fileName, frame: source.frame };
}

/** Whether a version still has the latent cache a mapping-only re-run starts from (it may be removed to free space). */
export function hasLatentCache(libraryDir: string, version: VersionRow): boolean {
  return version.latentPath !== null && existsSync(join(resolve(libraryDir, version.latentPath), HEADER_FILE));
}

/** A version's pixel size as its restore recorded it, or null for a record without one. */
export function versionSize(version: VersionRow): { width: number; height: number } | null {
  const { width, height } = version.stats as { width?: unknown; height?: unknown };
  return Number.isInteger(width) && Number.isInteger(height)
    ? { width: width as number, height: height as number }
    : null;
}

/**
 * The runner's job: the original (restore) or the parent version's cache, output and edited mask (re-run;
 * from the original with the edited mask when the parent's cache is gone).
 */
export function runnerJobFor(db: Database.Database, libraryDir: string, job: JobRow, dir: string): RunnerJob {
  const tile = typeof job.options.tile === 'number' ? job.options.tile : undefined;
  const base = { jobId: job.id, kind: job.kind, outPath: join(dir, 'restored.png'), cacheDir: dir, tile };
  if (job.kind === 'rerun') {
    const parent = getVersion(db, Number(job.options.parentVersionId));
    if (!hasLatentCache(libraryDir, parent)) {
      // The cache was removed to free space: the whole chain runs again from the original, with the edited mask.
      const { path, frame } = originalFile(db, libraryDir, job.photoId);
      return {
        ...base,
        kind: 'restore',
        input: path,
        scratches: 'on',
        maskPath: resolve(libraryDir, String(job.options.maskPath)),
        frame
      };
    }
    return {
      ...base,
      input: '',
      scratches: 'on',
      maskPath: resolve(libraryDir, String(job.options.maskPath)),
      parentCacheDir: resolve(libraryDir, parent.latentPath!),
      previousOutput: resolve(libraryDir, parent.outputPath)
    };
  }
  const scratches = (job.options.scratches ?? 'auto') as ScratchMode;
  const { path, frame } = originalFile(db, libraryDir, job.photoId);
  return { ...base, input: path, scratches, frame };
}

/**
 * Records a finished job as a version and marks the job done, in one transaction. Null when the job
 * was cancelled while finishing or its photo was removed meanwhile (the job row went with it).
 */
export function commitVersion(
  db: Database.Database,
  libraryDir: string,
  job: JobRow,
  dir: string,
  result: RestoreResult,
  model: { id: string; sha256: string }
): number | null {
  return db.transaction(() => {
    if (findJob(db, job.id)?.state !== 'running') return null;
    const version = insertVersion(db, {
      photoId: job.photoId,
      kind: job.kind,
      parentVersionId: job.kind === 'rerun' ? Number(job.options.parentVersionId) : null,
      modelId: model.id,
      modelSha256: model.sha256,
      options: job.options,
      maskPath: libraryRelative(libraryDir, join(dir, 'mask.png')),
      outputPath: libraryRelative(libraryDir, result.outPath),
      latentPath: libraryRelative(libraryDir, dir),
      stats: {
        seconds: result.seconds,
        maskCoverage: result.maskCoverage,
        scratchesUsed: result.scratchesUsed,
        width: result.width,
        height: result.height,
        bitDepth: result.bitDepth
      }
    });
    endJob(db, job.id, 'done', { versionId: version.id });
    return version.id;
  })();
}
