#!/usr/bin/env node
// Run before electron-vite (npm start, dev, dist): fetch Electron's binary with
// its own installer when it is missing, or stop with one plain sentence and the
// way forward. See electron-binary.ts for why electron-vite cannot do it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ensureElectron } from './electron-binary.ts';

function electronDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return join(process.cwd(), 'node_modules', 'electron');
  }
}

const result = ensureElectron(electronDir(), process.version);
if (!result.ok) {
  console.error(result.message);
  process.exit(1);
}
