import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attempt } from '../../src/renderer/src/lib/managers/attempt.ts';

function recorder() {
  const errors: (string | null)[] = [];
  const busy: boolean[] = [];
  return { errors, busy, report: (e: string | null) => errors.push(e), flag: (on: boolean) => busy.push(on) };
}

test('attempt returns the value, clears the error and raises busy for the call only', async () => {
  const r = recorder();
  let busyDuring: boolean | undefined;
  const value = await attempt(
    r.report,
    async () => {
      busyDuring = r.busy.at(-1);
      return 7;
    },
    r.flag
  );
  assert.equal(value, 7);
  assert.equal(busyDuring, true);
  assert.deepEqual(r.busy, [true, false]);
  assert.deepEqual(r.errors, [null]);
});

test('attempt turns a failure into the message, returns null and still lowers busy', async () => {
  const r = recorder();
  const value = await attempt(
    r.report,
    async () => {
      throw new Error('album "Box 1" already exists');
    },
    r.flag
  );
  assert.equal(value, null);
  assert.deepEqual(r.errors, ['album "Box 1" already exists']);
  assert.deepEqual(r.busy, [true, false]);
});

test('attempt reports a thrown non-Error as text and works without a busy flag', async () => {
  const r = recorder();
  assert.equal(await attempt(r.report, () => Promise.reject('disk full')), null);
  assert.deepEqual(r.errors, ['disk full']);
  assert.deepEqual(r.busy, []);
});
