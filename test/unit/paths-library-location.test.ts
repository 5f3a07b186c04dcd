/** Which library folder the desktop app opens, and the saved choice from Settings. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { resolveLibraryDir, saveLibraryDir, savedLibraryDir } from '../../src/main/paths.ts';

test('--library beats HEIRLOOM_LIBRARY beats the saved choice beats the default', async () => {
  const userData = await mkdtemp(join(tmpdir(), 'heirloom-userdata-'));
  try {
    assert.equal(resolveLibraryDir([], {}, userData), join(userData, 'library'));
    saveLibraryDir(userData, '/srv/photos/family');
    assert.equal(savedLibraryDir(userData), '/srv/photos/family');
    assert.equal(resolveLibraryDir([], {}, userData), '/srv/photos/family');
    assert.equal(resolveLibraryDir([], { HEIRLOOM_LIBRARY: 'rel/lib' }, userData), resolve('rel/lib'));
    assert.equal(resolveLibraryDir(['app', '--library', '/a'], { HEIRLOOM_LIBRARY: '/b' }, userData), '/a');
    assert.equal(resolveLibraryDir(['app', '--library=/c'], {}, userData), '/c');
    assert.deepEqual(JSON.parse(await readFile(join(userData, 'heirloom.json'), 'utf8')), {
      libraryDir: '/srv/photos/family'
    });
  } finally {
    await rm(userData, { recursive: true, force: true });
  }
});

test('a damaged or relative saved choice falls back to the default folder', async () => {
  const userData = await mkdtemp(join(tmpdir(), 'heirloom-userdata-'));
  try {
    await writeFile(join(userData, 'heirloom.json'), '{ not json');
    assert.equal(resolveLibraryDir([], {}, userData), join(userData, 'library'));
    await writeFile(join(userData, 'heirloom.json'), JSON.stringify({ libraryDir: 'relative/path' }));
    assert.equal(savedLibraryDir(userData), null);
  } finally {
    await rm(userData, { recursive: true, force: true });
  }
});
