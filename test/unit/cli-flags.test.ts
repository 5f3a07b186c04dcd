import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneOf, parseFlags } from '../../src/main/cli/flags.ts';
import { StudioError } from '../../src/shared/errors.ts';

const options = { library: { type: 'string' }, json: { type: 'boolean', default: false } } as const;

test('parseFlags returns the flags with their defaults', () => {
  assert.deepEqual({ ...parseFlags(['--library', '/tmp/lib'], options) }, { library: '/tmp/lib', json: false });
  assert.deepEqual({ ...parseFlags(['--json'], options) }, { json: true });
});

test('parseFlags names a stray word as invalid input', () => {
  assert.throws(
    () => parseFlags(['--library', '/tmp/lib', 'photo.jpg'], options),
    (e: unknown) =>
      e instanceof StudioError && e.kind === 'invalid-input' && /unexpected argument "photo.jpg"/.test(e.message)
  );
});

test('parseFlags refuses an unknown flag', () => {
  assert.throws(() => parseFlags(['--libary', 'x'], options), /libary/);
});

test('oneOf keeps an allowed value, falls back when absent and names the choices otherwise', () => {
  const kinds = ['json', 'csv'] as const;
  assert.equal(oneOf('manifest', 'csv', kinds, 'json'), 'csv');
  assert.equal(oneOf('manifest', undefined, kinds, 'json'), 'json');
  assert.throws(() => oneOf('manifest', 'xml', kinds, 'json'), /--manifest must be one of json, csv \(got "xml"\)/);
});
