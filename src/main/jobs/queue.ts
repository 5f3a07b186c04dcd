/**
 * The persisted restore queue, host side. Jobs live in SQLite; one runner
 * process executes them one at a time. On start, jobs a crash left `running`
 * go back to the queue; a runner that dies is restarted and its job retried
 * (up to `maxAttempts`); a job that fails is recorded and the queue moves on;
 * cancelling aborts the runner's job (killing the runner if it does not stop
 * promptly) and removes the job's folder, so no partial output survives.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError } from '../../shared/errors.ts';
import type { EngineInfo, JobEvent } from '../../shared/types.ts';
import { claimNextJob, countQueued, endJob, enqueueJob, findJob, findQueuedJob, getJob, type JobRow, requeueInterrupted, setJobProgress } from '../library/queries/jobs-queue.ts';
import { getVersion, originalFile } from '../library/queries/jobs-versions.ts';
import { checkMaskPng } from '../pipeline/image-io.ts';
import { peekLatentHeader } from '../pipeline/latent-cache.ts';
import type { RestoreResult, ScratchMode } from '../pipeline/restore.ts';
import { commitVersion, hasLatentCache, jobDir, libraryRelative, runnerJobFor, versionSize } from './job-files.ts';
import { plannedStages, ProgressTracker } from './progress.ts';
import { restoreMegapixels, stageRates } from '../library/queries/stage-rates.ts';
import type { RunnerConfig, RunnerJob, RunnerMessage } from './protocol.ts';
import type { RunnerHandle, SpawnRunner } from './spawn.ts';

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
}

export class JobQueue {
  private runner: RunnerHandle | null = null;
  private active: Active | null = null;
  private closed = false;
  private pumping = false;
  private idleWaiters: (() => void)[] = [];
  private readyWaiters: (() => void)[] = [];
  private engine: EngineInfo;
  private modelSha: string | null = null;
  /** Runner processes started so far (tests check restarts). */
  spawned = 0;

  constructor(private readonly o: JobQueueOptions) {
    this.engine = { requested: o.config.provider, provider: null, label: null, reason: null, rejected: [], threads: o.config.threads, modelId: null, error: null };
  }

  /** Crash recovery, then work through the queue. */
  start(): number {
    const requeued = requeueInterrupted(this.o.db);
    void this.pump();
    return requeued;
  }

  /** Throws unless `count` more jobs fit in the queue (`MAX_QUEUED`; re-runs, which each keep a mask file, `MAX_QUEUED_RERUNS`). */
  assertRoom(count: number, kind: 'restore' | 'rerun' = 'restore'): void {
    const queued = countQueued(this.o.db);
    if (queued + count > MAX_QUEUED) {
      throw new StudioError('conflict', `the restore queue is full (${queued.toLocaleString('en')} waiting, at most ${MAX_QUEUED.toLocaleString('en')}): let it work through them or cancel some first`);
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
    const parent = getVersion(this.o.db, versionId);
    // Refused here, in words the editor can show, rather than as a failed job later. Without its cache
    // (removed to free space) the version's size comes from its record, and the re-run starts from the original.
    const header = hasLatentCache(this.o.libraryDir, parent) ? await peekLatentHeader(resolve(this.o.libraryDir, parent.latentPath!)) : null;
    if (!header) originalFile(this.o.db, this.o.libraryDir, parent.photoId); // the re-run will start from it: fail now if it is gone
    const size = header ?? versionSize(parent);
    if (!size) throw new StudioError('conflict', `version ${versionId} has no record of its size; restore the photo again`);
    this.assertRoom(1, 'rerun');
    await checkMaskPng(maskPng, size.width, size.height);
    const dir = join(this.o.libraryDir, 'versions', String(parent.photoId), 'masks');
    await mkdir(dir, { recursive: true });
    const maskFile = join(dir, `${randomUUID()}.png`);
    await writeFile(maskFile, maskPng);
    const job = enqueueJob(this.o.db, 'rerun', parent.photoId, { parentVersionId: versionId, maskPath: libraryRelative(this.o.libraryDir, maskFile), scratches: 'on', ...(options.tile ? { tile: options.tile } : {}) });
    this.announce(job, {});
    void this.pump();
    return job;
  }

  cancel(jobId: number): boolean {
    const job = getJob(this.o.db, jobId);
    if (!endJob(this.o.db, jobId, 'cancelled', { error: 'cancelled' })) return false;
    this.announce(getJob(this.o.db, jobId), {});
    if (this.active?.job.id === jobId && this.runner) {
      const runner = this.runner;
      runner.send({ type: 'cancel', jobId });
      setTimeout(() => {
        if (this.active?.job.id === jobId && this.runner === runner) runner.kill();
      }, this.o.cancelGraceMs ?? 3000).unref();
    }
    return job.state === 'queued' || job.state === 'running';
  }

  /** Applies new provider/thread settings: the runner restarts with them before the next job. */
  reconfigure(config: RunnerConfig): void {
    this.o.config = config;
    this.engine = { ...this.engine, requested: config.provider, threads: config.threads, provider: null, label: null, reason: null, rejected: [], error: null };
    // The runner applies it in order: after the job it is running, before the next.
    this.runner?.send({ type: 'configure', config });
  }

  get engineInfo(): EngineInfo {
    return this.engine;
  }

  /** Starts the runner if needed and resolves once it has chosen a provider (or failed to). */
  probeEngine(timeoutMs = 60_000): Promise<EngineInfo> {
    if (this.engine.provider || this.engine.error) return Promise.resolve(this.engine);
    return new Promise((done) => {
      const timer = setTimeout(() => done(this.engine), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        done(this.engine);
      });
      this.ensureRunner();
    });
  }

  /** Resolves when nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.active && !claimablePeek(this.o.db)) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  close(): void {
    this.closed = true;
    this.runner?.kill();
    this.runner = null;
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      for (let job = claimNextJob(this.o.db); job && !this.closed; job = this.closed ? null : claimNextJob(this.o.db)) await this.execute(job);
    } catch (err) {
      // The queue stops rather than crash its host; the next enqueue or start() resumes it.
      console.error(`[jobs] queue stopped: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      this.pumping = false;
      if (!this.active) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private ensureRunner(): RunnerHandle {
    if (this.runner) return this.runner;
    const runner = this.o.spawn();
    this.spawned++;
    this.runner = runner;
    runner.onMessage((m) => this.onMessage(m));
    runner.onExit((code) => this.onExit(runner, code));
    runner.send({ type: 'configure', config: this.o.config });
    return runner;
  }

  private async execute(job: JobRow): Promise<void> {
    const dir = jobDir(this.o.libraryDir, job);
    await rm(dir, { recursive: true, force: true }); // whatever a crashed attempt left
    let runnerJob: RunnerJob;
    try {
      await mkdir(dir, { recursive: true });
      runnerJob = runnerJobFor(this.o.db, this.o.libraryDir, job, dir);
    } catch (err) {
      endJob(this.o.db, job.id, 'failed', { error: (err as Error).message });
      const failed = findJob(this.o.db, job.id);
      if (failed) this.announce(failed, {});
      return;
    }
    const stages = plannedStages(runnerJob.kind, String(job.options.scratches ?? 'auto'), Boolean(runnerJob.maskPath));
    await new Promise<void>((settle) => {
      const basis = { rates: stageRates(this.o.db), megapixels: restoreMegapixels(this.o.db, job.photoId) };
      this.active = { job, runnerJob, tracker: new ProgressTracker(stages, basis), lastWrite: 0, settle };
      this.announce(job, {});
      this.ensureRunner().send({ type: 'run', job: runnerJob });
    });
  }


  private onMessage(m: RunnerMessage): void {
    if (m.type === 'ready') {
      this.modelSha = m.modelSha256;
      this.engine = { ...this.engine, provider: m.choice.provider, label: m.choice.label, reason: m.choice.reason, rejected: m.choice.rejected, modelId: m.modelId, error: null };
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    if (m.type === 'config-error') {
      this.engine = { ...this.engine, provider: null, label: null, reason: null, error: m.error.message };
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    const a = this.active;
    if (!a || a.job.id !== m.jobId) return;
    if (m.type === 'event') {
      a.tracker.update(m.event);
      const now = performance.now();
      if (m.event.type === 'stage' || now - a.lastWrite > 250) {
        a.lastWrite = now;
        setJobProgress(this.o.db, a.job.id, a.tracker.stage ?? m.event.stage, a.tracker.fraction);
        const tile = m.event.type === 'tile' ? m.event : null;
        this.announce({ ...a.job, state: 'running' }, { stage: m.event.stage, tile: tile?.tile ?? null, tiles: tile?.tiles ?? null });
      }
      return;
    }
    // Never let a database or file error here become an unhandled rejection: that would take the host down.
    const end = m.type === 'done' ? this.finish(a, m.result) : this.fail(a, m.error.kind === 'cancelled' ? 'cancelled' : m.error.message);
    end.catch((err: unknown) => {
      console.error(`[jobs] job ${a.job.id}: ${(err as Error)?.message ?? String(err)}`);
      void rm(a.runnerJob.cacheDir, { recursive: true, force: true });
      this.settle(a, null);
    });
  }

  private async finish(a: Active, result: RestoreResult): Promise<void> {
    const dir = a.runnerJob.cacheDir;
    const versionId = commitVersion(this.o.db, this.o.libraryDir, a.job, dir, result, { id: this.engine.modelId ?? 'unknown', sha256: this.modelSha ?? '' });
    if (versionId === null) await rm(dir, { recursive: true, force: true });
    await this.cleanupMask(a.job);
    this.settle(a, versionId);
  }

  private async fail(a: Active, message: string): Promise<void> {
    if (message !== 'cancelled') endJob(this.o.db, a.job.id, 'failed', { error: message });
    await rm(a.runnerJob.cacheDir, { recursive: true, force: true });
    await this.cleanupMask(a.job);
    this.settle(a, null);
  }

  private onExit(runner: RunnerHandle, code: number | null): void {
    if (this.runner === runner) this.runner = null;
    const a = this.active;
    if (!a || this.closed) return;
    const job = findJob(this.o.db, a.job.id);
    if (job?.state === 'running') {
      const retry = job.attempts < (this.o.maxAttempts ?? 3);
      endJob(this.o.db, job.id, retry ? 'queued' : 'failed', {
        error: retry ? null : `the restore process stopped unexpectedly (exit code ${code ?? 'signal'}) ${job.attempts} times`
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

  private async cleanupMask(job: JobRow): Promise<void> {
    if (job.kind === 'rerun' && typeof job.options.maskPath === 'string') await rm(resolve(this.o.libraryDir, job.options.maskPath), { force: true });
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

function claimablePeek(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM jobs WHERE state IN ('queued', 'running') LIMIT 1`).get() !== undefined;
}
