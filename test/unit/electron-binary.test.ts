/** npm start's check for Electron's binary (scripts/electron-binary.ts). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  atLeast,
  electronPlan,
  electronStatus,
  ensureElectron,
} from '../../scripts/electron-binary.ts';

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
const OFFLINE_INSTALL = `console.error('RequestError: getaddrinfo ENOTFOUND github.com'); process.exit(1);`;

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
    assert.deepEqual(electronPlan(status, 'v22.12.0'), { action: 'download' });
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
    assert.match(message, /could not be downloaded \(RequestError: getaddrinfo ENOTFOUND github\.com\)/);
    assert.match(message, /npx heirloom serve/);
    assert.equal(message.split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on a Node too old for Electron 45\'s downloader it says which Node is needed, without trying', () => {
  const dir = electronPackage(GOOD_INSTALL);
  try {
    const result = ensureElectron(dir, 'v20.20.2');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /needs Node 22\.12\.0 or newer \(this is Node 20\.20\.2\)/);
    assert.equal(electronStatus(dir).state, 'missing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
