/** A late `jobs:list` answer never undoes newer job events (the queue once showed a finished job at 55 % for good). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeFetched } from '../../src/renderer/src/lib/managers/job-merge.ts';
import type { JobEvent, JobInfo } from '../../src/shared/types.ts';

const row = (id: number, state: JobInfo['state'], progress: number): JobInfo => ({
  id,
  kind: 'restore',
  photoId: id,
  photoName: `p${id}.jpg`,
  versionId: null,
  state,
  stage: state === 'running' ? 'map' : null,
  progress,
  error: null,
  attempts: 1,
  createdAt: 'now',
  startedAt: null,
  finishedAt: null
});
const event = (
  jobId: number,
  state: JobEvent['state'],
  percent: number,
  versionId: number | null = null
): JobEvent => ({
  jobId,
  photoId: jobId,
  kind: 'restore',
  state,
  stage: null,
  tile: null,
  tiles: null,
  percent,
  etaSeconds: null,
  versionId,
  error: null
});

test('an event received after the list was asked for wins over the answer', () => {
  // Asked for after 4 events; job 1 finished with the 5th, job 2's last event (the 3rd) is older than the answer.
  const merged = mergeFetched(
    [row(1, 'running', 0.55), row(2, 'running', 0.2)],
    { 1: event(1, 'done', 100, 9), 2: event(2, 'running', 10) },
    { 1: 5, 2: 3 },
    4
  );
  assert.deepEqual(
    merged.map((j) => [j.id, j.state, j.progress, j.versionId]),
    [
      [1, 'done', 1, 9],
      [2, 'running', 0.2, null]
    ]
  );
});

test('jobs without events, or only older ones, come as fetched', () => {
  const fetched = [row(3, 'queued', 0), row(4, 'done', 1)];
  assert.deepEqual(mergeFetched(fetched, { 4: event(4, 'running', 50) }, { 4: 2 }, 2), fetched);
  assert.deepEqual(
    mergeFetched([], { 1: event(1, 'done', 100) }, { 1: 9 }, 0),
    [],
    'an event does not add a job the list does not have'
  );
});
