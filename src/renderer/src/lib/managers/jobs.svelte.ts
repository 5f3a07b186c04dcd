/**
 * The restore queue as the renderer sees it: jobs from `jobs:list`, kept live
 * by `jobs:event` (stage, percent, ETA), plus starting restores and cancelling,
 * and whether main paused the queue (a full disk) with Resume.
 * Jobs are persisted in main, so a reload or restart shows the same queue.
 */
import type { JobEvent, JobInfo, QueueState } from '../../../../shared/types.ts';
import { studio } from '../api/index.ts';
import { attempt } from './attempt.ts';
import { mergeFetched, queueAfterFetch, withEvent } from './job-merge.ts';

export type ScratchMode = 'auto' | 'on' | 'off';

export class JobsManager {
  jobs = $state<JobInfo[]>([]);
  /** Latest event per job: carries the ETA and tile counts that JobInfo lacks. */
  live = $state<Record<number, JobEvent>>({});
  scratches = $state<ScratchMode>('auto');
  error = $state<string | null>(null);
  /** Paused by main (the library's disk cannot hold the next job), with the reason in words. */
  queue = $state<QueueState>({ paused: false, reason: null });
  active = $derived(this.jobs.filter((j) => j.state === 'queued' || j.state === 'running'));
  /** Overall progress of the unfinished queue, 0..1. */
  overall = $derived(
    this.active.length === 0 ? 1 : this.active.reduce((s, j) => s + j.progress, 0) / this.active.length
  );

  /** Events received so far, and the count at each job's latest: orders events against list answers. */
  #events = 0;
  #eventSeq: Record<number, number> = {};
  /** Refreshes asked for, and the newest one applied: an older answer arriving late is dropped. */
  #asked = 0;
  #applied = 0;
  /** `jobs:queue` events received: a queue-state answer asked for before the latest one is stale. */
  #queueEvents = 0;

  /** `onPaused`: the queue has just paused, so the panel that says why can be shown. */
  listen(onDone: (e: JobEvent) => void, onPaused: () => void = () => {}): () => void {
    const offQueue = studio.on('jobs:queue', (state) => {
      this.#queueEvents++;
      this.queue = state;
      if (state.paused) onPaused();
    });
    const offJobs = studio.on('jobs:event', (e) => {
      this.live = { ...this.live, [e.jobId]: e };
      this.#eventSeq[e.jobId] = ++this.#events;
      const i = this.jobs.findIndex((j) => j.id === e.jobId);
      if (i < 0) void this.refresh();
      else this.jobs[i] = withEvent(this.jobs[i]!, e);
      if (e.state === 'done') onDone(e);
    });
    return () => {
      offQueue();
      offJobs();
    };
  }

  async refresh(): Promise<void> {
    const ticket = ++this.#asked;
    const askedAt = this.#events;
    const queueSeen = this.#queueEvents;
    await this.#run(async () => {
      const fetched = await studio.listJobs({ active: false, limit: 200 });
      if (ticket < this.#applied) return;
      this.#applied = ticket;
      this.jobs = mergeFetched(fetched, this.live, this.#eventSeq, askedAt);
      this.queue = queueAfterFetch(this.queue, await studio.queueState(), queueSeen, this.#queueEvents);
    });
  }

  async resume(): Promise<void> {
    const queueSeen = this.#queueEvents;
    await this.#run(async () => {
      this.queue = queueAfterFetch(this.queue, await studio.resumeQueue(), queueSeen, this.#queueEvents);
      await this.refresh();
    });
  }

  async restore(photoIds: number[]): Promise<void> {
    if (photoIds.length === 0) return;
    await this.#run(async () => {
      await studio.startRestore({ photoIds, scratches: this.scratches });
      await this.refresh();
    });
  }

  async cancel(id: number): Promise<void> {
    await this.#run(async () => {
      await studio.cancelJob(id);
      await this.refresh();
    });
  }

  async #run(work: () => Promise<void>): Promise<void> {
    await attempt((e) => (this.error = e), work);
  }
}
