/** Counted nouns in the app's messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count } from '../../src/renderer/src/lib/words.ts';

test('one is singular, every other number plural, irregular plurals given', () => {
  assert.equal(count(1, 'photo'), '1 photo');
  assert.equal(count(0, 'photo'), '0 photos');
  assert.equal(count(12, 'selected photo'), '12 selected photos');
  assert.equal(count(2, 'copy', 'copies'), '2 copies');
  assert.equal(count(1, 'copy', 'copies'), '1 copy');
});
