/** Recognising a full disk in every shape it arrives in, and the words for it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freeBytes, isBareWriteError, isDiskFull, megabytes } from '../../src/main/disk-space.ts';
import { diskFullReason } from '../../src/main/jobs/job-space.ts';

test('a full disk is recognised by errno, SQLite code and the messages that carry them across processes', () => {
  const errno = (code: string, message: string) => Object.assign(new Error(message), { code });
  assert.ok(isDiskFull(errno('ENOSPC', 'ENOSPC: no space left on device, write')));
  assert.ok(isDiskFull(errno('EDQUOT', 'EDQUOT: disk quota exceeded, write')));
  assert.ok(isDiskFull(errno('SQLITE_FULL', 'database or disk is full')));
  // The runner sends errors as plain shapes: only the words survive.
  assert.ok(
    isDiskFull({
      name: 'StudioError',
      kind: 'io',
      message: 'cannot write restored.png: no space left in /lib/versions/3/job-4 (ENOSPC)'
    })
  );
  assert.ok(isDiskFull('photo 3 (a.jpg): VipsForeignSave: No space left on device'));
  for (const other of [
    errno('EACCES', 'EACCES: permission denied'),
    new Error('Input file is missing'),
    'the image data is damaged or incomplete',
    null,
    undefined,
    42
  ]) {
    assert.equal(isDiskFull(other), false, String(other));
  }
  assert.ok(isBareWriteError(new Error('webpsave: write error')));
  assert.equal(isBareWriteError(new Error('VipsJpeg: Premature end of JPEG file')), false);
});

test('free space is read from the nearest folder that exists; sizes read in whole megabytes, rounded up', async () => {
  const free = await freeBytes('/tmp/surely/not/there/yet');
  assert.ok(free !== null && free > 0);
  assert.equal(megabytes(0), '0 MB');
  assert.equal(megabytes(1), '1 MB');
  assert.equal(megabytes(41_200_000), '42 MB');
  assert.equal(
    diskFullReason('rerun', 3_000_000, 40_000_000),
    "the library's disk is full: 3 MB free, this re-run needs about 40 MB; free some space, then resume the queue"
  );
});
