// Runs the training code's Python on any OS: `node --import tsx scripts/python.ts -m training.train …` (what `npm run
// train`, `eval`, `export-models`, `test:py` and `py` call). The scripts used to name /usr/bin/python3, Debian's
// interpreter, so on Windows and macOS every training command failed with "not recognized" or "no such file":
// the Windows/Linux mismatch the project's seed lists among what hurt people reproducing the method.
//
// The interpreter: HEIRLOOM_PYTHON when set (a path or a command, used as given), else the first of the
// platform's usual commands that can import torch. Stop signals are passed on, so Ctrl-C or a service manager
// stopping the wrapper still lets the trainer write its stop checkpoint; the exit status is the child's.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Candidate interpreters per platform, most specific first: [command, ...leading args]. */
export function candidates(platform: string): string[][] {
  if (platform === 'win32') return [['py', '-3'], ['python'], ['python3']];
  // Debian's /usr/bin/python3 carries the apt packages (python3-torch …); a default `python3` earlier on PATH
  // (pyenv, a venv, another distribution's) often lacks them
  if (platform === 'linux') return [['/usr/bin/python3'], ['python3'], ['python']];
  return [['python3'], ['python']];
}

/** Splits HEIRLOOM_PYTHON: a path that exists is one word (it may hold spaces), else words split on spaces. */
export function fromEnv(value: string, exists: (p: string) => boolean = existsSync): string[] | null {
  const v = value.trim();
  if (!v) return null;
  return exists(v) ? [v] : v.split(/\s+/);
}

/** What resolvePython looks at; the defaults are this process's, the fields let tests stand in for them. */
export interface Resolve {
  env?: Record<string, string | undefined>;
  platform?: string;
  probe?: (command: string[]) => string | null;
  exists?: (path: string) => boolean;
}

/**
 * The interpreter to use, or an Error naming what was tried and why each failed.
 * probe([cmd, ...args]) → null when it can import torch, else a short reason.
 */
export function resolvePython({
  env = process.env,
  platform = process.platform,
  probe = probeTorch,
  exists = existsSync
}: Resolve = {}): string[] | Error {
  const chosen = env.HEIRLOOM_PYTHON ? fromEnv(env.HEIRLOOM_PYTHON, exists) : null;
  if (chosen) {
    const why = probe(chosen);
    if (why) return new Error(`HEIRLOOM_PYTHON=${env.HEIRLOOM_PYTHON}: ${why}`);
    return chosen;
  }
  const tried: string[] = [];
  for (const c of candidates(platform)) {
    const why = probe(c);
    if (!why) return c;
    tried.push(`${c.join(' ')} (${why})`);
  }
  const install =
    platform === 'linux'
      ? 'on Debian: sudo apt-get install python3-torch python3-torchvision python3-onnx python3-skimage'
      : 'install Python 3.11+ with torch, torchvision, onnx, scipy, scikit-image and Pillow (pip install …)';
  return new Error(
    `no Python that can import torch: tried ${tried.join(', ')}. ${install[0].toUpperCase()}${install.slice(1)}, ` +
      'or set HEIRLOOM_PYTHON to the interpreter to use.'
  );
}

function probeTorch([cmd, ...args]: string[]): string | null {
  const r = spawnSync(cmd!, [...args, '-c', 'import torch'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 120_000
  });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message;
  if (r.status === 0) return null;
  return /No module named/.test(r.stderr ?? '') ? 'no torch' : `exit ${r.status ?? r.signal}`;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

export function main(argv: string[] = process.argv.slice(2)): void {
  const python = resolvePython();
  if (python instanceof Error) {
    console.error(`heirloom: ${python.message}`);
    process.exit(127);
  }
  const [cmd, ...lead] = python;
  const child = spawn(cmd!, [...lead, ...argv], { stdio: 'inherit' });
  // A terminal's Ctrl-C reaches the child by itself (same process group); forwarding it too is harmless (the
  // trainer's handler only sets its stop flag again), and a SIGTERM sent to this wrapper alone reaches the child
  // only this way.
  for (const sig of Object.keys(SIGNALS)) {
    if (sig === 'SIGHUP' && process.platform === 'win32') continue;
    process.on(sig, () => child.kill(sig as NodeJS.Signals));
  }
  child.on('error', (err) => {
    console.error(`heirloom: could not start ${python.join(' ')}: ${err.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (SIGNALS[signal ?? ''] ?? 1)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
