/** npm start's check for Electron's binary (scripts/electron-binary.ts). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { atLeast, electronPlan, electronStatus, ensureElectron } from '../../scripts/electron-binary.ts';

/** A node_modules/electron as npm install leaves it (no binary), with the given installer. */
function electronPackage(installer: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-electron-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  writeFileSync(join(dir, 'install.js'), installer);
  return dir;
}

/** What Electron's install.js leaves after a good download. */
const GOOD_INSTALL = `
const fs = require('fs'), path = require('path');
fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '');
fs.writeFileSync(path.join(__dirname, 'dist', 'version'), 'v45.4.1');
fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
`;
// What Electron 45's install.js prints offline: the error's stack.
const OFFLINE_INSTALL = `console.error('TypeError: fetch failed\\n    at node:internal/deps/undici/undici:14976:13\\n    at async downloadArtifact (index.js:154:12)'); process.exit(1);`;

test('Node versions compare by number, not as text', () => {
  assert.equal(atLeast('v22.12.0', '22.12.0'), true);
  assert.equal(atLeast('v24.1.0', '22.12.0'), true);
  assert.equal(atLeast('v22.9.0', '22.12.0'), false);
  assert.equal(atLeast('v20.20.2', '22.12.0'), false);
});

test('a package npm install left without its binary is missing, and the plan is to download it', () => {
  const dir = electronPackage(GOOD_INSTALL);
  try {
    const status = electronStatus(dir);
    assert.equal(status.state, 'missing');
    assert.deepEqual(electronPlan(status), { action: 'download' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a binary of another version is missing too', () => {
  const dir = electronPackage(GOOD_INSTALL);
  try {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    writeFileSync(join(dir, 'dist', 'version'), 'v44.0.0');
    writeFileSync(join(dir, 'path.txt'), 'electron');
    const status = electronStatus(dir);
    assert.equal(status.state, 'missing');
    assert.match(status.state === 'missing' ? status.why : '', /44\.0\.0, not 45\.4\.1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the installer runs when the binary is missing, and the app starts after it', () => {
  const dir = electronPackage(GOOD_INSTALL);
  try {
    assert.deepEqual(ensureElectron(dir, 'v22.12.0'), { ok: true, downloaded: true });
    assert.equal(electronStatus(dir).state, 'ready');
    assert.deepEqual(ensureElectron(dir, 'v22.12.0'), { ok: true, downloaded: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an offline download stops with one sentence naming the cause and the browser studio', () => {
  const dir = electronPackage(OFFLINE_INSTALL);
  try {
    const result = ensureElectron(dir, 'v22.12.0');
    assert.equal(result.ok, false);
    const message = result.ok ? '' : result.message;
    assert.match(message, /could not be downloaded \(TypeError: fetch failed\): connect to the internet/);
    assert.match(message, /npx heirloom serve/);
    assert.equal(message.split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on a Node older than Electron 45 asks for, the download is still tried, and a failure names the Node version', () => {
  const good = electronPackage(GOOD_INSTALL);
  const offline = electronPackage(OFFLINE_INSTALL);
  try {
    assert.deepEqual(ensureElectron(good, 'v20.20.2'), { ok: true, downloaded: true });
    const result = ensureElectron(offline, 'v20.20.2');
    assert.equal(result.ok, false);
    assert.match(
      result.ok ? '' : result.message,
      /\(TypeError: fetch failed\); this is Node 20\.20\.2 and Electron 45's tools ask for 22\.12\.0 or newer/
    );
  } finally {
    rmSync(good, { recursive: true, force: true });
    rmSync(offline, { recursive: true, force: true });
  }
});
