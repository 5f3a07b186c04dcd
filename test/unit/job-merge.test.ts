/** Late `jobs:list` / queue-state answers never undo newer events (the queue once showed a finished job at 55 % for good, and a paused queue once lost its Resume button). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeFetched, queueAfterFetch } from '../../src/renderer/src/lib/managers/job-merge.ts';
import type { JobEvent, JobInfo, QueueState } from '../../src/shared/types.ts';

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

test('a queue-state answer asked for before the latest pause event does not undo it', () => {
  const paused: QueueState = { paused: true, reason: 'the disk is full' };
  const running: QueueState = { paused: false, reason: null };
  // Asked with 0 queue events seen; the pause event (the 1st) came before the answer, which predates it.
  assert.deepEqual(queueAfterFetch(paused, running, 0, 1), paused);
  // No event since the question: the answer is the newest word.
  assert.deepEqual(queueAfterFetch(running, paused, 1, 1), paused);
  assert.deepEqual(queueAfterFetch(paused, running, 2, 2), running);
});
