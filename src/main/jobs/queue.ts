/**
 * The persisted restore queue, host side. Jobs live in SQLite; one runner
 * process (runner-supervisor.ts) executes them one at a time. On start, jobs a crash left `running`
 * go back to the queue; a runner that dies is restarted and its job retried
 * (up to `maxAttempts`); a job that fails is recorded and the queue moves on;
 * cancelling aborts the runner's job (killing the runner if it does not stop
 * promptly) and removes the job's folder, so no partial output survives.
 * Before claiming a job it checks the library's disk can hold it; a full disk
 * (found then, or by a job half way) pauses the queue with the reason in words
 * until `resume()`, and fails only the job it hit, so nothing stays `running`.
 */
import { rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { StudioError } from '../../shared/errors.ts';
import type { EngineInfo, JobEvent, QueueState } from '../../shared/types.ts';
import { freeBytes, isBareWriteError, isDiskFull } from '../disk-space.ts';
import {
  claimNextJob,
  countQueued,
  endJob,
  enqueueJob,
  findJob,
  findQueuedJob,
  getJob,
  hasActiveJobs,
  type JobKind,
  type JobRow,
  peekNextJob,
  requeueInterrupted,
  setJobProgress
} from '../library/queries/jobs-queue.ts';
import type { RestoreResult, ScratchMode } from '../pipeline/restore.ts';
import { commitVersion, jobDir, originalFile, runnerJobFor } from './job-files.ts';
import { diskFullReason, holdReserve, jobNeedBytes, releaseReserve } from './job-space.ts';
import { plannedStages, ProgressTracker } from './progress.ts';
import { restoreMegapixels, stageRates } from '../library/queries/stage-rates.ts';
import { removeRerunMask, rerunParent, storeRerunMask } from './rerun-mask.ts';
import type { RunnerConfig, RunnerJob } from './runner-protocol.ts';
import { type JobMessage, RunnerSupervisor } from './runner-supervisor.ts';
import type { SpawnRunner } from './spawn.ts';

/** Jobs that may wait at once: as many as one restore:start may name, so a whole library fits, and a flood does not. */
export const MAX_QUEUED = 100_000;
/** Waiting mask re-runs: each keeps its edited mask (up to hundreds of MB) on disk until it runs. */
export const MAX_QUEUED_RERUNS = 100;

/** What the queue needs from its host. */
export interface JobQueueOptions {
  db: Database.Database;
  libraryDir: string;
  spawn: SpawnRunner;
  config: RunnerConfig;
  emit?: (event: JobEvent) => void;
  /** The queue paused or resumed. */
  onState?: (state: QueueState) => void;
  /** Runner deaths a job survives before it is marked failed. */
  maxAttempts?: number;
  /** How long a cancelled job may take to stop before its runner is killed. */
  cancelGraceMs?: number;
}

interface Active {
  job: JobRow;
  runnerJob: RunnerJob;
  tracker: ProgressTracker;
  lastWrite: number;
  settle: () => void;
  /** The library's disk filled while it ran: it was stopped, and fails as a full disk whatever the runner says. */
  diskFull?: boolean;
}

const TIMES = ['no', 'once', 'twice', 'three times', 'four times', 'five times'];

/** Why a job whose process kept dying was given up, in words for the person who queued it. */
export function stoppedUnexpectedly(attempts: number, kind: JobKind): string {
  return `the ${kind === 'rerun' ? 're-run' : 'restore'} stopped unexpectedly ${TIMES[attempts] ?? `${attempts} times`}; the photo may be too large for this computer's memory`;
}

export class JobQueue {
  private readonly runner: RunnerSupervisor;
  private active: Active | null = null;
  private closed = false;
  private pumping = false;
  private idleWaiters: (() => void)[] = [];
  private pausedFor: string | null = null;

  constructor(private readonly o: JobQueueOptions) {
    this.runner = new RunnerSupervisor(o.spawn, o.config, {
      message: (m) => this.onMessage(m),
      exit: (code) => this.onExit(code)
    });
  }

  /** Runner processes started so far (tests check restarts). */
  get spawned(): number {
    return this.runner.spawned;
  }

  /** Crash recovery, then work through the queue. */
  start(): number {
    // Attempts count across restarts: a photo that takes the whole host down is not retried forever.
    const spent: { id: number; photoId: number }[] = [];
    const requeued = requeueInterrupted(this.o.db, this.o.maxAttempts ?? 3, (job) => {
      spent.push(job);
      return stoppedUnexpectedly(job.attempts, job.kind);
    });
    // The start-up sweep kept their folders while they were still `running`.
    for (const job of spent) rmSync(jobDir(this.o.libraryDir, job), { recursive: true, force: true });
    void holdReserve(this.o.libraryDir).then(() => this.pump());
    return requeued;
  }

  /**
   * Throws unless `count` more jobs fit in the queue (`MAX_QUEUED`; re-runs,
   * which each keep a mask file, `MAX_QUEUED_RERUNS`).
   */
  assertRoom(count: number, kind: 'restore' | 'rerun' = 'restore'): void {
    const queued = countQueued(this.o.db);
    if (queued + count > MAX_QUEUED) {
      throw new StudioError(
        'conflict',
        `the restore queue is full (${queued.toLocaleString('en')} waiting, at most ${MAX_QUEUED.toLocaleString('en')}): let it work through them or cancel some first`
      );
    }
    if (kind === 'rerun' && countQueued(this.o.db, 'rerun') + count > MAX_QUEUED_RERUNS) {
      throw new StudioError('conflict', `${MAX_QUEUED_RERUNS} mask re-runs are already waiting: let them finish first`);
    }
  }

  /** Queues a restore, or answers the one already waiting for this photo with these settings. */
  enqueueRestore(photoId: number, options: { scratches?: ScratchMode; tile?: number } = {}): JobRow {
    originalFile(this.o.db, this.o.libraryDir, photoId); // fail now, not in the runner, if the original is gone
    const settings = { scratches: options.scratches ?? 'auto', ...(options.tile ? { tile: options.tile } : {}) };
    const waiting = findQueuedJob(this.o.db, 'restore', photoId, settings);
    if (waiting) return waiting;
    this.assertRoom(1);
    const job = enqueueJob(this.o.db, 'restore', photoId, settings);
    this.announce(job, {});
    void this.pump();
    return job;
  }

  /** Queues a mapping-only re-run of `versionId` with an edited full-resolution mask (PNG bytes). */
  async enqueueRerun(versionId: number, maskPng: Uint8Array, options: { tile?: number } = {}): Promise<JobRow> {
    const { parent, size } = await rerunParent(this.o.db, this.o.libraryDir, versionId);
    this.assertRoom(1, 'rerun');
    const maskPath = await storeRerunMask(this.o.db, this.o.libraryDir, parent, size, maskPng);
    const job = enqueueJob(this.o.db, 'rerun', parent.photoId, {
      parentVersionId: versionId,
      maskPath,
      scratches: 'on',
      ...(options.tile ? { tile: options.tile } : {})
    });
    this.announce(job, {});
    void this.pump();
    return job;
  }

  cancel(jobId: number): boolean {
    const job = getJob(this.o.db, jobId);
    if (!endJob(this.o.db, jobId, 'cancelled', { error: 'cancelled' })) return false;
    this.announce(getJob(this.o.db, jobId), {});
    // A running job's mask goes when its runner stops; a queued one never gets there.
    if (job.state === 'queued') void removeRerunMask(this.o.libraryDir, job);
    if (this.active?.job.id === jobId && this.runner.running)
      this.runner.stop(jobId, this.o.cancelGraceMs ?? 3000, () => this.active?.job.id === jobId);
    return job.state === 'queued' || job.state === 'running';
  }

  /** Applies new provider/thread settings: the runner restarts with them before the next job. */
  reconfigure(config: RunnerConfig): void {
    this.runner.reconfigure(config);
  }

  get engineInfo(): EngineInfo {
    return this.runner.engineInfo;
  }

  /** Starts the runner if needed and resolves once it has chosen a provider (or failed to). */
  probeEngine(timeoutMs?: number): Promise<EngineInfo> {
    return this.runner.probeEngine(timeoutMs);
  }

  get state(): QueueState {
    return { paused: this.pausedFor !== null, reason: this.pausedFor };
  }

  /** Takes the queue out of a pause; it pauses again before the next job if the disk still cannot hold it. */
  resume(): QueueState {
    if (this.pausedFor !== null) {
      this.pausedFor = null;
      this.o.onState?.(this.state);
      void holdReserve(this.o.libraryDir).then(() => this.pump());
    } else void this.pump();
    return this.state;
  }

  /** Resolves when nothing is queued or running, or the queue is paused with nothing running. */
  whenIdle(): Promise<void> {
    if (!this.active && (this.pausedFor !== null || !hasActiveJobs(this.o.db))) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  close(): void {
    this.closed = true;
    this.runner.kill();
    // A job cut off here starts again from nothing (or was cancelled): its partial folder is of no use.
    if (this.active) rmSync(this.active.runnerJob.cacheDir, { recursive: true, force: true });
  }

  private pause(reason: string): void {
    console.error(`[jobs] queue paused: ${reason}`);
    const changed = this.pausedFor !== reason;
    this.pausedFor = reason;
    if (changed) this.o.onState?.(this.state);
    if (!this.active) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** The reason to pause before `job` when the library's disk cannot hold it, else null. */
  private async shortOfSpace(job: JobRow): Promise<string | null> {
    const need = jobNeedBytes(this.o.db, this.o.libraryDir, job);
    const free = await freeBytes(this.o.libraryDir);
    return free !== null && free < need ? diskFullReason(job.kind, free, need) : null;
  }

  private async fullReason(job: JobRow): Promise<string> {
    return diskFullReason(
      job.kind,
      await freeBytes(this.o.libraryDir),
      jobNeedBytes(this.o.db, this.o.libraryDir, job)
    );
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed || this.pausedFor !== null) return;
    this.pumping = true;
    let next: JobRow | null = null;
    try {
      while (!this.closed && this.pausedFor === null && (next = peekNextJob(this.o.db))) {
        const short = await this.shortOfSpace(next);
        if (short) {
          this.pause(short);
          break;
        }
        const job = claimNextJob(this.o.db);
        if (job) await this.execute(job);
      }
    } catch (err) {
      // The queue stops rather than crash its host; the next enqueue or start() resumes it (a full disk: resume()).
      if (isDiskFull(err) && next) this.pause(await this.fullReason(next));
      else console.error(`[jobs] queue stopped: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      this.pumping = false;
      if (!this.active) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async execute(job: JobRow): Promise<void> {
    const dir = jobDir(this.o.libraryDir, job);
    await rm(dir, { recursive: true, force: true }); // whatever a crashed attempt left
    let runnerJob: RunnerJob;
    try {
      await mkdir(dir, { recursive: true });
      runnerJob = runnerJobFor(this.o.db, this.o.libraryDir, job, dir);
    } catch (err) {
      const full = isDiskFull(err);
      await rm(dir, { recursive: true, force: true });
      const reason = full ? await this.fullReason(job) : (err as Error).message;
      if (full) {
        this.pause(reason);
        await releaseReserve(this.o.libraryDir);
      }
      endJob(this.o.db, job.id, 'failed', { error: reason });
      const failed = findJob(this.o.db, job.id);
      if (failed) this.announce(failed, {});
      return;
    }
    const stages = plannedStages(runnerJob.kind, String(job.options.scratches ?? 'auto'), Boolean(runnerJob.maskPath));
    await new Promise<void>((settle) => {
      const basis = { rates: stageRates(this.o.db), megapixels: restoreMegapixels(this.o.db, job.photoId) };
      this.active = { job, runnerJob, tracker: new ProgressTracker(stages, basis), lastWrite: 0, settle };
      this.announce(job, {});
      this.runner.run(runnerJob);
    });
  }

  private onMessage(m: JobMessage): void {
    const a = this.active;
    if (!a || a.job.id !== m.jobId) return;
    if (m.type === 'event') {
      a.tracker.update(m.event);
      const now = performance.now();
      if (a.diskFull) return;
      if (m.event.type === 'stage' || now - a.lastWrite > 250) {
        a.lastWrite = now;
        try {
          setJobProgress(this.o.db, a.job.id, a.tracker.stage ?? m.event.stage, a.tracker.fraction);
        } catch (err) {
          // Progress cannot even be recorded: stop the job (it fails as a full
          // disk) rather than let it run on unrecorded.
          if (isDiskFull(err)) this.stopForFullDisk(a);
          else console.error(`[jobs] job ${a.job.id}: ${(err as Error).message}`);
          return;
        }
        const tile = m.event.type === 'tile' ? m.event : null;
        this.announce(
          { ...a.job, state: 'running' },
          { stage: m.event.stage, tile: tile?.tile ?? null, tiles: tile?.tiles ?? null }
        );
      }
      return;
    }
    this.ending(
      a,
      m.type === 'done'
        ? this.finish(a, m.result)
        : this.fail(a, m.error.kind === 'cancelled' ? 'cancelled' : m.error.message)
    );
  }

  /**
   * Never lets a database or file error while ending a job become an
   * unhandled rejection: that would take the host down.
   */
  private ending(a: Active, end: Promise<void>): void {
    end.catch((err: unknown) => {
      console.error(`[jobs] job ${a.job.id}: ${(err as Error)?.message ?? String(err)}`);
      void rm(a.runnerJob.cacheDir, { recursive: true, force: true });
      this.settle(a, null);
    });
  }

  private async finish(a: Active, result: RestoreResult): Promise<void> {
    const dir = a.runnerJob.cacheDir;
    const versionId = commitVersion(this.o.db, this.o.libraryDir, a.job, dir, result, {
      id: this.runner.engineInfo.modelId ?? 'unknown',
      sha256: this.runner.modelSha ?? ''
    });
    if (versionId === null) await rm(dir, { recursive: true, force: true });
    await removeRerunMask(this.o.libraryDir, a.job);
    this.settle(a, versionId);
  }

  private stopForFullDisk(a: Active): void {
    a.diskFull = true;
    this.runner.stop(a.job.id, this.o.cancelGraceMs ?? 3000, () => this.active === a);
  }

  private async fail(a: Active, message: string): Promise<void> {
    // The job's files go first: on a full disk that is the space the database needs to record the failure.
    await rm(a.runnerJob.cacheDir, { recursive: true, force: true });
    await removeRerunMask(this.o.libraryDir, a.job);
    const full =
      a.diskFull ||
      (message !== 'cancelled' &&
        (isDiskFull(message) || (isBareWriteError(message) && (await this.shortOfSpace(a.job)) !== null)));
    if (full) {
      const reason = await this.fullReason(a.job);
      // Paused before the row is written: should even that fail, no further job is claimed onto the full disk.
      this.pause(reason);
      await releaseReserve(this.o.libraryDir);
      endJob(this.o.db, a.job.id, 'failed', { error: reason });
    } else if (message !== 'cancelled') endJob(this.o.db, a.job.id, 'failed', { error: message });
    this.settle(a, null);
  }

  private onExit(code: number | null): void {
    const a = this.active;
    if (!a || this.closed) return;
    // Killed because it would not stop after the disk filled: that is how it ends, not a crash to retry.
    if (a.diskFull) return this.ending(a, this.fail(a, 'cancelled'));
    const job = findJob(this.o.db, a.job.id);
    if (job?.state === 'running') {
      const retry = job.attempts < (this.o.maxAttempts ?? 3);
      if (!retry) console.error(`[jobs] job ${job.id}: runner exited (${code ?? 'signal'}) ${job.attempts} times`);
      endJob(this.o.db, job.id, retry ? 'queued' : 'failed', {
        error: retry ? null : stoppedUnexpectedly(job.attempts, job.kind)
      });
    }
    void rm(a.runnerJob.cacheDir, { recursive: true, force: true }).then(() => this.settle(a, null));
  }

  private settle(a: Active, versionId: number | null): void {
    if (this.active !== a) return;
    this.active = null;
    const job = findJob(this.o.db, a.job.id);
    if (job) this.announce(job, { versionId });
    a.settle();
  }

  private announce(job: JobRow, extra: Partial<JobEvent>): void {
    const tracker = this.active?.job.id === job.id ? this.active.tracker : null;
    this.o.emit?.({
      jobId: job.id,
      photoId: job.photoId,
      kind: job.kind,
      state: job.state,
      stage: job.stage,
      tile: null,
      tiles: null,
      percent: Math.round((job.state === 'done' ? 1 : (tracker?.fraction ?? job.progress)) * 1000) / 10,
      etaSeconds: tracker?.etaSeconds ?? null,
      versionId: job.versionId,
      error: job.error,
      ...extra
    });
  }
}
