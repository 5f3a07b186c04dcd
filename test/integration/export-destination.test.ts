/**
 * export:chooseDestination: the desktop app asks the system's dialog where an export goes
 * (here a stand-in for Electron's dialog, the same hook main/index.ts passes); browser mode,
 * which has no dialog, says to type the path. Payloads are checked like every other.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServices, validateArgs, type Services } from '../../src/main/services/index.ts';

let work: string;
let desktop: Services;
let browser: Services;
const asked: [string, string][] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-export-dest-'));
  const chooseExportPath = async (kind: 'folder' | 'zip', name: string) => {
    asked.push([kind, name]);
    return kind === 'zip' ? `/home/me/Exports/${name}.zip` : null; // the folder dialog is cancelled
  };
  desktop = await createServices({
    libraryDir: join(work, 'desktop'),
    emit: () => undefined,
    modelDirs: [join(work, 'no-models')],
    chooseExportPath
  });
  browser = await createServices({
    libraryDir: join(work, 'browser'),
    emit: () => undefined,
    modelDirs: [join(work, 'no-models')]
  });
});
after(async () => {
  await desktop.close();
  await browser.close();
  await rm(work, { recursive: true, force: true });
});

test('the desktop app takes the destination from the system dialog; cancelling answers null', async () => {
  const [zip] = validateArgs('export:chooseDestination', [{ kind: 'zip', suggestedName: 'Lake house' }]);
  assert.equal(await desktop.handlers['export:chooseDestination'](zip), '/home/me/Exports/Lake house.zip');
  const [folder] = validateArgs('export:chooseDestination', [{ kind: 'folder', suggestedName: 'Lake house' }]);
  assert.equal(await desktop.handlers['export:chooseDestination'](folder), null);
  assert.deepEqual(asked, [
    ['zip', 'Lake house'],
    ['folder', 'Lake house']
  ]);
});

test('browser mode says to type the path; a bad payload is refused before any dialog', async () => {
  await assert.rejects(browser.handlers['export:chooseDestination']({ kind: 'folder', suggestedName: 'x' }), {
    kind: 'invalid-input',
    message: /no folder dialog in browser mode: type the destination path/
  });
  assert.throws(() => validateArgs('export:chooseDestination', [{ kind: 'tar', suggestedName: 'x' }]), {
    kind: 'invalid-input'
  });
  assert.throws(() => validateArgs('export:chooseDestination', [{ kind: 'zip', suggestedName: '' }]), {
    kind: 'invalid-input'
  });
});
