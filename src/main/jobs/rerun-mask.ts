/**
 * The edited mask a re-run is queued with: checked against the version it
 * re-runs before anything is queued (refused in words the editor can show,
 * rather than as a failed job later), kept under `versions/<photo>/masks/`
 * until the re-run ends, then removed.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError } from '../../shared/errors.ts';
import { freeBytes, isDiskFull } from '../disk-space.ts';
import type { JobRow } from '../library/queries/jobs-queue.ts';
import { getVersion, type VersionRow } from '../library/queries/jobs-versions.ts';
import { checkMaskPng } from '../pipeline/image-io.ts';
import { peekLatentHeader } from '../pipeline/latent-cache-files.ts';
import { hasLatentCache, libraryRelative, originalFile, versionSize } from './job-files.ts';
import { diskFullReason, jobNeedBytes } from './job-space.ts';

/**
 * The version a re-run starts from and the size its mask must have. Without its latent cache (removed to
 * free space) the size comes from the version's record, and the re-run starts from the original.
 */
export async function rerunParent(
  db: Database.Database,
  libraryDir: string,
  versionId: number
): Promise<{ parent: VersionRow; size: { width: number; height: number } }> {
  const parent = getVersion(db, versionId);
  const header = hasLatentCache(libraryDir, parent)
    ? await peekLatentHeader(resolve(libraryDir, parent.latentPath!))
    : null;
  if (!header) originalFile(db, libraryDir, parent.photoId); // the re-run will start from it: fail now if it is gone
  const size = header ?? versionSize(parent);
  if (!size)
    throw new StudioError('conflict', `version ${versionId} has no record of its size; restore the photo again`);
  return { parent, size };
}

/** Checks the mask PNG and writes it into the library; returns its library-relative path. */
export async function storeRerunMask(
  db: Database.Database,
  libraryDir: string,
  parent: VersionRow,
  size: { width: number; height: number },
  maskPng: Uint8Array
): Promise<string> {
  await checkMaskPng(maskPng, size.width, size.height);
  const dir = join(libraryDir, 'versions', String(parent.photoId), 'masks');
  const maskFile = join(dir, `${randomUUID()}.png`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(maskFile, maskPng);
  } catch (err) {
    await rm(maskFile, { force: true });
    if (!isDiskFull(err)) throw err;
    const need = jobNeedBytes(db, libraryDir, {
      kind: 'rerun',
      photoId: parent.photoId,
      options: { parentVersionId: parent.id }
    });
    throw new StudioError('io', diskFullReason('rerun', await freeBytes(libraryDir), need, 'edit the mask again'));
  }
  return libraryRelative(libraryDir, maskFile);
}

/** A re-run's mask once the job has ended (or was cancelled before it ran). */
export async function removeRerunMask(libraryDir: string, job: JobRow): Promise<void> {
  if (job.kind === 'rerun' && typeof job.options.maskPath === 'string')
    await rm(resolve(libraryDir, job.options.maskPath), { force: true });
}
