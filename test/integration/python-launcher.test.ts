// The launcher behind `npm run train` / `eval` / `test:py` with a real interpreter (CI's Debian python3 with torch).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

const LAUNCH = ['--import', 'tsx', 'scripts/python.ts'];

function launch(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...LAUNCH, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err }))
  );
  return { child, done, output: () => out };
}

test('arguments reach Python whole and its exit status comes back', { timeout: 60_000 }, async () => {
  const r = await launch(['-c', 'import sys; print(sys.argv[1:]); sys.exit(3)', 'a b', 'c"d']).done;
  assert.equal(r.code, 3, r.err);
  assert.equal(r.out.trim(), `['a b', 'c"d']`);
});

test('an interpreter that cannot import torch is refused by name', { timeout: 60_000 }, async () => {
  const r = await launch(['-c', 'pass'], { HEIRLOOM_PYTHON: '/nonexistent/python3' }).done;
  assert.equal(r.code, 127);
  assert.match(r.err, /heirloom: HEIRLOOM_PYTHON=\/nonexistent\/python3: not found/);
});

test('SIGTERM to the launcher reaches the trainer, which can still save and exit', { timeout: 60_000 }, async () => {
  const script = [
    'import signal, sys, time',
    'signal.signal(signal.SIGTERM, lambda *a: (print("saved", flush=True), sys.exit(130)))',
    'print("ready", flush=True)',
    'time.sleep(30)'
  ].join('\n');
  const run = launch(['-c', script]);
  while (!run.output().includes('ready')) await new Promise((r) => setTimeout(r, 50));
  run.child.kill('SIGTERM');
  const r = await run.done;
  assert.equal(r.code, 130, r.err);
  assert.match(r.out, /ready\nsaved/);
});
