/**
 * The restore queue in the `jobs` table (migration 0010): enqueue, claim the
 * oldest queued job, progress, finish/fail/cancel, and the crash recovery that
 * puts jobs left `running` by a dead process back in the queue. Only the host
 * process writes here; the runner process never opens the database.
 */
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/errors.ts';
import { statement } from './statement.ts';

/** Whether any job waits or runs. */
export function hasActiveJobs(db: Database.Database): boolean {
  return statement(db, `SELECT 1 FROM jobs WHERE state IN ('queued', 'running') LIMIT 1`).get() !== undefined;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type JobKind = 'restore' | 'rerun';

/** A row of `jobs`, options parsed. */
export interface JobRow {
  id: number;
  kind: JobKind;
  photoId: number;
  versionId: number | null;
  state: JobState;
  stage: string | null;
  progress: number;
  options: Record<string, unknown>;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A row as SQLite gives it: named as `JobRow` by the column list, options still JSON text. */
type RawJob = Omit<JobRow, 'options'> & { options: string | null };

const JOB_COLUMNS = `id, kind, photo_id AS photoId, version_id AS versionId, state, stage, COALESCE(progress, 0) AS progress, options, error,
  COALESCE(attempts, 0) AS attempts, created_at AS createdAt, started_at AS startedAt, finished_at AS finishedAt`;

function toJob(r: RawJob): JobRow {
  return { ...r, options: r.options ? (JSON.parse(r.options) as Record<string, unknown>) : {} };
}

const now = () => new Date().toISOString();

export function enqueueJob(
  db: Database.Database,
  kind: JobKind,
  photoId: number,
  options: Record<string, unknown>,
  versionId: number | null = null
): JobRow {
  const info = statement(
    db,
    `INSERT INTO jobs (kind, photo_id, version_id, state, stage, progress, options, error, attempts, created_at) VALUES (?, ?, ?, 'queued', NULL, 0, ?, NULL, 0, ?)`
  ).run(kind, photoId, versionId, JSON.stringify(options), now());
  return getJob(db, Number(info.lastInsertRowid));
}

/** A queued job of this kind for this photo with exactly these options (as `enqueueJob` would store them), or null. */
export function findQueuedJob(
  db: Database.Database,
  kind: JobKind,
  photoId: number,
  options: Record<string, unknown>
): JobRow | null {
  const row = statement(
    db,
    `SELECT ${JOB_COLUMNS} FROM jobs WHERE state = 'queued' AND kind = ? AND photo_id = ? AND options = ? ORDER BY id LIMIT 1`
  ).get(kind, photoId, JSON.stringify(options)) as RawJob | undefined;
  return row ? toJob(row) : null;
}

/** How many jobs wait in the queue, of one kind or all. */
export function countQueued(db: Database.Database, kind?: JobKind): number {
  return (
    kind
      ? statement(db, `SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND kind = ?`).pluck().get(kind)
      : statement(db, `SELECT COUNT(*) FROM jobs WHERE state = 'queued'`).pluck().get()
  ) as number;
}

export function getJob(db: Database.Database, id: number): JobRow {
  const row = statement(db, `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(id) as RawJob | undefined;
  if (!row) throw new StudioError('not-found', `no job ${id}`);
  return toJob(row);
}

/** The job, or null when it is gone (its photo was removed while it ran). */
export function findJob(db: Database.Database, id: number): JobRow | null {
  const row = statement(db, `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(id) as RawJob | undefined;
  return row ? toJob(row) : null;
}

/** Jobs newest first; `active` limits to queued and running ones. */
export function listJobs(db: Database.Database, options: { active?: boolean; limit?: number } = {}): JobRow[] {
  const rows = options.active
    ? statement(db, `SELECT ${JOB_COLUMNS} FROM jobs WHERE state IN ('queued', 'running') ORDER BY id LIMIT ?`).all(
        options.limit ?? 1000
      )
    : statement(db, `SELECT ${JOB_COLUMNS} FROM jobs ORDER BY id DESC LIMIT ?`).all(options.limit ?? 1000);
  return (rows as RawJob[]).map(toJob);
}

/** The job `claimNextJob` would take, without taking it (the queue checks it fits on the disk first). */
export function peekNextJob(db: Database.Database): JobRow | null {
  const row = statement(db, `SELECT ${JOB_COLUMNS} FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1`).get() as
    RawJob | undefined;
  return row ? toJob(row) : null;
}

/** Atomically takes the oldest queued job and marks it running. */
export function claimNextJob(db: Database.Database): JobRow | null {
  return db.transaction(() => {
    const row = statement(db, `SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1`).get() as
      { id: number } | undefined;
    if (!row) return null;
    statement(
      db,
      `UPDATE jobs SET state = 'running', started_at = ?, attempts = COALESCE(attempts, 0) + 1, error = NULL, stage = NULL, progress = 0 WHERE id = ?`
    ).run(now(), row.id);
    return getJob(db, row.id);
  })();
}

export function setJobProgress(db: Database.Database, id: number, stage: string, progress: number): void {
  statement(db, `UPDATE jobs SET stage = ?, progress = ? WHERE id = ? AND state = 'running'`).run(stage, progress, id);
}

/** Ends a job; only a queued or running job changes state (a cancelled job stays cancelled). */
export function endJob(
  db: Database.Database,
  id: number,
  state: 'done' | 'failed' | 'cancelled' | 'queued',
  fields: { error?: string | null; versionId?: number | null } = {}
): boolean {
  const info = statement(
    db,
    `UPDATE jobs SET state = ?, error = ?, version_id = COALESCE(?, version_id), finished_at = CASE WHEN ? = 'queued' THEN NULL ELSE ? END,
              progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END
        WHERE id = ? AND state IN ('queued', 'running')`
  ).run(state, fields.error ?? null, fields.versionId ?? null, state, now(), state, id);
  return info.changes > 0;
}

/**
 * Crash recovery at start-up: jobs a dead process left running go back to the queue, unless they have
 * used up `maxAttempts` (a photo that takes its host down every time would otherwise be retried forever);
 * those fail with the error `failed(job)` words. Returns how many were queued again.
 */
export function requeueInterrupted(
  db: Database.Database,
  maxAttempts = Number.MAX_SAFE_INTEGER,
  failed?: (job: { id: number; photoId: number; kind: JobKind; attempts: number }) => string
): number {
  return db.transaction(() => {
    const spent = statement(
      db,
      `SELECT id, photo_id AS photoId, kind, attempts FROM jobs WHERE state = 'running' AND attempts >= ?`
    ).all(maxAttempts) as {
      id: number;
      photoId: number;
      kind: JobKind;
      attempts: number;
    }[];
    for (const j of spent)
      endJob(db, j.id, 'failed', { error: failed?.(j) ?? `stopped unexpectedly ${j.attempts} times` });
    return statement(db, `UPDATE jobs SET state = 'queued', stage = NULL, progress = 0 WHERE state = 'running'`).run()
      .changes;
  })();
}
