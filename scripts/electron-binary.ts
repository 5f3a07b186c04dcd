// Whether Electron's binary is in place and what `npm start` should do about it.
// Why: Electron 45 has no install script, so `npm install` leaves
// node_modules/electron without its binary, and electron-vite reads path.txt
// itself instead of triggering Electron's download on first use: it stops with
// "Electron uninstall". Kept apart from ensure-electron.ts so it can be tested.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Electron 45 and its downloader (@electron/get 5) declare this Node as their minimum. */
const ELECTRON_MIN_NODE = '22.12.0';

/** 'v20.20.2' or '22.12.0' as numbers. */
function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
}

/** True when `version` is at least `min` (both x.y.z, a leading v allowed). */
export function atLeast(version: string, min: string): boolean {
  const [a, b] = [parts(version), parts(min)];
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export type ElectronStatus = { state: 'ready' } | { state: 'not-installed' } | { state: 'missing'; why: string };
export type ElectronPlan = { action: 'start' } | { action: 'download' } | { action: 'stop'; message: string };

/**
 * What is in node_modules/electron (`dir`): ready when path.txt names an
 * executable under dist/ of the package's own version, else why not.
 */
export function electronStatus(dir: string): ElectronStatus {
  if (!existsSync(join(dir, 'package.json'))) return { state: 'not-installed' };
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { state: 'missing', why: 'no path.txt: the binary was never downloaded' };
  const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(exe)) return { state: 'missing', why: `${exe} is missing` };
  const versionFile = join(dir, 'dist', 'version');
  const have = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim().replace(/^v/, '') : '';
  if (have !== version)
    return { state: 'missing', why: `dist/ holds Electron ${have || 'of no known version'}, not ${version}` };
  return { state: 'ready' };
}

const BROWSER = 'or run the same studio in your browser: npm run build && npx heirloom serve --library DIR';

/** The decision: start, download first, or stop with one plain sentence. */
export function electronPlan(status: ElectronStatus): ElectronPlan {
  if (status.state === 'ready') return { action: 'start' };
  if (status.state === 'not-installed') {
    return { action: 'stop', message: `Electron is not installed: run npm install first, ${BROWSER}.` };
  }
  // Tried on any Node: the downloader runs on Node 20 too (npm only warns); an older Node is named if it fails.
  return { action: 'download' };
}

/**
 * The sentence for a download that failed (offline, proxy, no disk): the installer's error line (not
 * its stack), and the Node version when it is older than Electron 45's tools ask for.
 */
function downloadFailed(detail: string, nodeVersion: string): string {
  const lines = detail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at '));
  const why = lines[0] ?? 'no reason given';
  const node = atLeast(nodeVersion, ELECTRON_MIN_NODE)
    ? ''
    : `; this is Node ${nodeVersion.replace(/^v/, '')} and Electron 45's tools ask for ${ELECTRON_MIN_NODE} or newer, so update Node if the network is not the cause`;
  return `Electron's binary could not be downloaded (${why})${node}: connect to the internet and run this again, ${BROWSER}.`;
}

/** Makes sure the binary is there, running Electron's own installer (install.js) when it is not. */
export function ensureElectron(
  dir: string,
  nodeVersion: string
): { ok: true; downloaded: boolean } | { ok: false; message: string } {
  const plan = electronPlan(electronStatus(dir));
  if (plan.action === 'start') return { ok: true, downloaded: false };
  if (plan.action === 'stop') return { ok: false, message: plan.message };
  console.log('Downloading Electron (once, about 100 MB)…');
  const run = spawnSync(process.execPath, [join(dir, 'install.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe']
  });
  const after = electronStatus(dir);
  if (run.status === 0 && after.state === 'ready') return { ok: true, downloaded: true };
  const detail = run.stderr || run.error?.message || (after.state === 'missing' ? after.why : '');
  return { ok: false, message: downloadFailed(detail, nodeVersion) };
}
