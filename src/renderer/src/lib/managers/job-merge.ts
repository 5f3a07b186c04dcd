/**
 * Keeps the queue's picture right when a `jobs:list` answer and `jobs:event`s
 * cross: an answer reflects the jobs as they were when it was asked for, and
 * events that arrived after that are newer. Without this a late answer put a
 * finished job back to "running 55 %" for good (no more events come for it).
 */
import type { JobEvent, JobInfo } from '../../../../shared/types.ts';

/** A job row with an event applied. */
export function withEvent(job: JobInfo, e: JobEvent): JobInfo {
  return { ...job, state: e.state, stage: e.stage, progress: e.percent / 100, versionId: e.versionId, error: e.error };
}

/**
 * The fetched rows, each overlaid with its latest event if that event came after the fetch was asked for
 * (`eventSeq[id]` > `askedAt`, both counted in events received).
 */
export function mergeFetched(
  fetched: JobInfo[],
  live: Record<number, JobEvent>,
  eventSeq: Record<number, number>,
  askedAt: number
): JobInfo[] {
  return fetched.map((j) => {
    const e = live[j.id];
    return e && (eventSeq[j.id] ?? 0) > askedAt ? withEvent(j, e) : j;
  });
}

/**
 * The queue's pause state to show after a `jobs:queueState` answer: the answer, unless a `jobs:queue` event came
 * after it was asked for (`seen` events then, `now` since), which is newer. A late answer once hid the paused
 * queue's Resume button right after the pause event had shown it.
 */
export function queueAfterFetch<T>(current: T, fetched: T, seen: number, now: number): T {
  return now > seen ? current : fetched;
}
