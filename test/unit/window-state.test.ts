/** The window opens where it was closed, never off screen and never larger than the largest display. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_WINDOW, loadWindowState, saveWindowState } from '../../src/main/window-state.ts';

const LAPTOP = { x: 0, y: 0, width: 1920, height: 1040 };
/** A second monitor to the right of the laptop. */
const MONITOR = { x: 1920, y: 0, width: 2560, height: 1400 };

let userData: string;
before(async () => {
  userData = await mkdtemp(join(tmpdir(), 'heirloom-window-'));
});
after(async () => {
  await rm(userData, { recursive: true, force: true });
});

test('nothing saved, or a damaged file: the default size, centred', async () => {
  assert.deepEqual(loadWindowState(userData, [LAPTOP]), DEFAULT_WINDOW);
  await writeFile(join(userData, 'window.json'), '{ "width": 1200, "hei');
  assert.deepEqual(loadWindowState(userData, [LAPTOP]), DEFAULT_WINDOW);
  await writeFile(join(userData, 'window.json'), JSON.stringify({ width: '1200', height: 800 }));
  assert.deepEqual(loadWindowState(userData, [LAPTOP]), DEFAULT_WINDOW);
});

test('a saved window comes back where it was, maximized or not; the file is replaced whole', async () => {
  saveWindowState(userData, { x: 2100.4, y: 80, width: 1600, height: 1000 }, true);
  assert.deepEqual(loadWindowState(userData, [LAPTOP, MONITOR]), {
    x: 2100,
    y: 80,
    width: 1600,
    height: 1000,
    maximized: true
  });
  assert.deepEqual(JSON.parse(await readFile(join(userData, 'window.json'), 'utf8')), {
    x: 2100,
    y: 80,
    width: 1600,
    height: 1000,
    maximized: true
  });
  assert.deepEqual((await readdir(userData)).sort(), ['window.json'], 'no temp file left behind');
});

test('the monitor it was on is gone: centred instead, and no larger than the display left', () => {
  saveWindowState(userData, { x: 2100, y: 80, width: 2400, height: 1300 }, false);
  assert.deepEqual(loadWindowState(userData, [LAPTOP]), { width: 1920, height: 1040, maximized: false });
});

test('a title bar mostly off screen (above the top, or a sliver at the edge) is not kept', () => {
  saveWindowState(userData, { x: 200, y: -400, width: 1200, height: 800 }, false);
  assert.equal(loadWindowState(userData, [LAPTOP]).x, undefined);
  saveWindowState(userData, { x: 1900, y: 100, width: 1200, height: 800 }, false);
  assert.equal(loadWindowState(userData, [LAPTOP]).x, undefined, '20 px at the right edge is too little to grab');
  assert.equal(loadWindowState(userData, [LAPTOP, MONITOR]).x, 1900, 'across two monitors it is fine');
});

test('never smaller than the minimum, whatever was saved', () => {
  saveWindowState(userData, { x: 10, y: 10, width: 300, height: 200 }, false);
  assert.deepEqual(loadWindowState(userData, [LAPTOP]), { x: 10, y: 10, width: 900, height: 600, maximized: false });
});
