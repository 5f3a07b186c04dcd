#!/usr/bin/env node
// better-sqlite3 is a native addon: Node (tests, CLI) and Electron (the app)
// need it compiled for different ABIs. This rebuilds it only when the loaded
// binary does not match the runtime we are about to use.
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

const target = process.argv[2] ?? 'node';
const require = createRequire(import.meta.url);
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });

if (target === 'node') {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
  } catch (err) {
    console.log(
      `better-sqlite3 does not load under Node ${process.version} (${err.message.split('\n')[0]}); rebuilding`
    );
    run('npm rebuild better-sqlite3');
  }
} else if (target === 'electron') {
  run('npx electron-rebuild -f -o better-sqlite3');
} else {
  console.error(`usage: ensure-native.mjs node|electron (got ${target})`);
  process.exit(2);
}
