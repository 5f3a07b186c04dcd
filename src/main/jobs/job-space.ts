/**
 * How much disk a queued job will write, so the queue can refuse to start one
 * the library's disk cannot hold (a job that hits a full disk half way wastes
 * its work and, before this check, left the queue stalled). Estimated from the
 * photo's size as restored (its crop, when it has one): the latent cache is
 * 80 half-float channels per 4 × 4 cell, 10 bytes a pixel, once encoded and
 * once mapped; the output PNG at most 6 bytes a pixel (16-bit RGB); the mask
 * and thumbnail about one more; plus room for the database to record it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { parseCrop } from '../../shared/crop.ts';
import type { JobRow } from '../library/queries/jobs-queue.ts';
import { getVersion } from '../library/queries/jobs-versions.ts';
import { findPhotoRow } from '../library/queries/photos.ts';
import { megabytes } from '../disk-space.ts';
import { hasLatentCache } from './job-files.ts';

const LATENT_BYTES_PER_PIXEL = 10;
const OUTPUT_BYTES_PER_PIXEL = 7;
/** The database's WAL and the job's small files. */
const FIXED_BYTES = 4_000_000;

/** Bytes `job` will write into the library, about. */
export function jobNeedBytes(
  db: Database.Database,
  libraryDir: string,
  job: Pick<JobRow, 'kind' | 'photoId' | 'options'>
): number {
  const row = findPhotoRow(db, job.photoId);
  if (!row) return FIXED_BYTES;
  const crop = parseCrop(row.crop);
  const pixels = crop ? crop.width * crop.height : row.width * row.height;
  // A re-run links its parent's encoded latent instead of writing it again;
  // without that cache it restores from the original.
  let latents = 2;
  if (job.kind === 'rerun') {
    try {
      if (hasLatentCache(libraryDir, getVersion(db, Number(job.options.parentVersionId)))) latents = 1;
    } catch {
      /* the parent is gone: the job will fail on its own, the estimate does not matter */
    }
  }
  return FIXED_BYTES + pixels * (latents * LATENT_BYTES_PER_PIXEL + OUTPUT_BYTES_PER_PIXEL);
}

/** The sentence a job or the paused queue shows when the library's disk cannot hold the job. */
export function diskFullReason(
  kind: JobRow['kind'],
  free: number | null,
  need: number,
  then = 'resume the queue'
): string {
  const what = kind === 'rerun' ? 'this re-run' : 'this restore';
  const left = free === null ? '' : `: ${megabytes(free)} free`;
  return `the library's disk is full${left}, ${what} needs about ${megabytes(need)}; free some space, then ${then}`;
}

/**
 * A little disk held back for the database: a job that filled the disk to the last byte may have freed
 * too little by removing its own folder for SQLite to record that it failed, which would leave it `running`.
 * Released just before that record is written, held again when the queue resumes (`<library>/.disk-reserve`).
 */
const RESERVE_BYTES = 1_000_000;
const reservePath = (libraryDir: string) => join(libraryDir, '.disk-reserve');

export async function holdReserve(libraryDir: string): Promise<void> {
  try {
    await mkdir(libraryDir, { recursive: true });
    await writeFile(reservePath(libraryDir), Buffer.alloc(RESERVE_BYTES));
  } catch {
    // No room even for this (or a read-only library): the queue's free-space check pauses before the next job anyway.
    await releaseReserve(libraryDir);
  }
}

/** Never fails: the reserve is a help, not a condition. */
export async function releaseReserve(libraryDir: string): Promise<void> {
  await rm(reservePath(libraryDir), { force: true }).catch(() => undefined);
}
