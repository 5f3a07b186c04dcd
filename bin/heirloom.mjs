#!/usr/bin/env node
// The headless CLI runs the TypeScript sources through tsx so `npx heirloom`
// works straight after `npm install`, with no separate build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
const { main } = await import(join(here, '..', 'src', 'main', 'cli', 'index.ts'));
process.exitCode = await main(process.argv.slice(2));
