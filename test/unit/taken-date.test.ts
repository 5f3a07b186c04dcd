/** Dates taken as precise as they are known: what is accepted, its canonical form, how it sorts and shows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exifTaken, formatTaken, normalizeTaken } from '../../src/shared/taken-date.ts';

test('a year, a month, a day or a time, typed loosely, comes out canonical', () => {
  const typed = {
    '1962': '1962',
    ' 1962-7 ': '1962-07',
    '1962-07-14': '1962-07-14',
    '1962-7-4 9:05': '1962-07-04T09:05:00'
  };
  for (const [text, canonical] of Object.entries(typed)) assert.equal(normalizeTaken(text), canonical, text);
  assert.equal(normalizeTaken('1962-07-14T15:30:59'), '1962-07-14T15:30:59');
  assert.equal(normalizeTaken('1960-02-29'), '1960-02-29', 'a leap day in a leap year');
});

test('what is no date is refused', () => {
  for (const bad of [
    '',
    '62',
    '1962-13',
    '1962-00',
    '1961-02-29',
    '1962-04-31',
    '1962-07-14 24:00',
    '1962-07-14 12:60',
    '1799',
    '2201',
    '14.7.1962',
    '1962/07/14',
    'summer 1962',
    '1962-07-14T15:30:00Z'
  ]) {
    assert.equal(normalizeTaken(bad), null, bad);
  }
});

test('canonical dates sort as text in time order, a year before its months and days', () => {
  const dates = ['1962-07-14T15:30:00', '1958', '1962-07', '1962', '1962-07-14', '1962-12-01', '1959-01'];
  assert.deepEqual([...dates].sort(), [
    '1958',
    '1959-01',
    '1962',
    '1962-07',
    '1962-07-14',
    '1962-07-14T15:30:00',
    '1962-12-01'
  ]);
});

test('shown for people, and written to EXIF only when known to the day', () => {
  assert.equal(formatTaken('1962', 'en-US'), '1962');
  assert.equal(formatTaken('1962-07', 'en-US'), 'July 1962');
  assert.equal(formatTaken('1962-07-14', 'en-US'), 'Jul 14, 1962');
  assert.match(formatTaken('1962-07-14T15:30:00', 'en-US'), /^Jul 14, 1962,? (at )?3:30\sPM$/);
  assert.equal(exifTaken('1962'), null);
  assert.equal(exifTaken('1962-07'), null);
  assert.equal(exifTaken('1962-07-14'), '1962:07:14 00:00:00');
  assert.equal(exifTaken('1962-07-14T15:30:00'), '1962:07:14 15:30:00');
});
