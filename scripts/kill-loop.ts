/**
 * Kill loop: how the library survives `kill -9`. Starts `heirloom serve` on a
 * fresh library (127.0.0.1 only), sets off restores, mask re-runs, imports,
 * uploads, exports or a cancel, and kills the server, its runner or both
 * 0.3-8 s later (or just after a cancel); imports go through uploads and
 * exports into its `--exports` folder, as browser mode allows; then checks
 * every invariant:
 *
 *   after the kill:  SQLite integrity and foreign keys clean, every original's
 *                    sha256 right, every version decodes at its recorded size,
 *                    no half-written export (a folder has its manifest and every
 *                    file in it, a zip its end record), the runner gone within 5 s
 *   after restart:   `.tmp/` and `.uploads/` empty, no job folder or mask
 *                    without a version or waiting job, no export staging folder
 *                    left (the time to restart is measured, not judged: it is
 *                    mostly tsx compiling the sources, and the machine's load)
 *   at the end:      every job a kill interrupted finished (done, or failed in
 *                    words after three attempts)
 *
 * Bounded by --cycles (default 20) and --max-minutes (default 15). Needs
 * `npm run build` (serve serves the built renderer) and the shipped models.
 *
 *   npx tsx scripts/kill-loop.ts [--cycles 20] [--max-minutes 15] [--seed 1] [--out bench-results/kill-loop.json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import sharp from 'sharp';

const ROOT = resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: {
    cycles: { type: 'string', default: '20' },
    'max-minutes': { type: 'string', default: '15' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false }
  }
});
const CYCLES = Math.min(500, Math.max(1, Number(flags.cycles)));
const DEADLINE = Date.now() + Math.min(120, Number(flags['max-minutes'])) * 60_000;

let seed = Number(flags.seed) >>> 0 || 1;
/** mulberry32: the same seed gives the same run of actions and delays. */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const work = await mkdtemp(join(tmpdir(), 'heirloom-kill-loop-'));
const lib = join(work, 'lib');
const exportsDir = join(work, 'exports');
const violations: string[] = [];
const fail = (cycle: number, what: string) => {
  violations.push(`cycle ${cycle}: ${what}`);
  console.error(`  ✗ ${what}`);
};

/** A generated photo: gradients, a ripple and noise, so it compresses like a scan. */
async function makePhoto(path: string, width: number, height: number): Promise<string> {
  const px = Buffer.alloc(width * height * 3);
  const s = random() * 10;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const r = Math.sin(x / (7 + s) + y / 11) * 30 + (random() - 0.5) * 30;
      px[i] = 60 + (140 * x) / width + r;
      px[i + 1] = 50 + (120 * y) / height + r;
      px[i + 2] = 90 + 60 * Math.sin((x + y) / 40) + r;
    }
  await mkdir(dirname(path), { recursive: true });
  await sharp(px, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toFile(path);
  return path;
}

interface Server {
  child: ChildProcess;
  base: string;
  token: string;
  startMs: number;
}

async function startServer(): Promise<Server> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/heirloom.mjs'), 'serve', '--library', lib, '--exports', exportsDir, '--port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<URL>((ok, no) => {
    const timer = setTimeout(() => no(new Error(`serve printed no URL within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(new URL(m[0]));
      }
    });
    child.once('exit', (code) => no(new Error(`serve exited with ${code}:\n${out}`)));
  });
  const server = { child, base: url.origin, token: url.searchParams.get('token')!, startMs: 0 };
  await api(server, 'library:stats');
  server.startMs = Math.round(performance.now() - t0);
  return server;
}

async function api<T = unknown>(s: Server, channel: string, ...args: unknown[]): Promise<T> {
  const res = await fetch(`${s.base}/api/call/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args)
  });
  const envelope = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.message}`);
  return envelope.value;
}

/**
 * Imports `files` the way browser mode allows (issue 31: no `import:paths` over the bridge): each
 * file is uploaded into one batch, then the commit imports the batch. Returns the commit's answer.
 */
async function uploadImport(s: Server, files: string[]): Promise<Response> {
  const batch = randomUUID().replace(/-/g, '');
  for (const file of files) {
    const res = await fetch(`${s.base}/api/upload?batch=${batch}&path=${encodeURIComponent(basename(file))}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/octet-stream' },
      body: await readFile(file)
    });
    if (!res.ok) throw new Error(`upload of ${file}: ${res.status} ${await res.text()}`);
  }
  return fetch(`${s.base}/api/upload/commit`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ batch })
  });
}

/** The restore runner(s): the server's child processes running runner-entry. */
function runnerPids(pid: number): number[] {
  const kids: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`, { withFileTypes: false }).map(String)) {
    const text = (() => {
      try {
        return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
      } catch {
        return '';
      }
    })();
    for (const k of text.trim().split(/\s+/).filter(Boolean)) {
      const cmd = (() => {
        try {
          return readFileSync(`/proc/${k}/cmdline`, 'utf8');
        } catch {
          return '';
        }
      })();
      if (cmd.includes('runner-entry')) kids.push(Number(k));
    }
  }
  return kids;
}

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

function kill9(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

async function waitGone(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((r) => child.once('exit', r));
}

/** Milliseconds until every pid is gone (null: still there after 5 s). */
async function timeToExit(pids: number[]): Promise<number | null> {
  const t0 = performance.now();
  while (pids.some(alive)) {
    if (performance.now() - t0 > 5000) return null;
    await sleep(10);
  }
  return Math.round(performance.now() - t0);
}

function openDb(): Database.Database {
  return new Database(join(lib, 'library.sqlite'), { readonly: true, fileMustExist: true });
}

/** With the server dead: the database, the originals, the versions and the exports. */
async function checkAtRest(cycle: number): Promise<void> {
  const db = openDb();
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') fail(cycle, `integrity_check: ${integrity}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length > 0) fail(cycle, `foreign_key_check: ${JSON.stringify(fk.slice(0, 3))}`);
    for (const p of db.prepare('SELECT sha256, ext FROM photos').all() as { sha256: string; ext: string }[]) {
      const file = join(lib, 'originals', p.sha256.slice(0, 2), `${p.sha256}${p.ext}`);
      const sha = existsSync(file)
        ? createHash('sha256')
            .update(await readFile(file))
            .digest('hex')
        : 'missing';
      if (sha !== p.sha256) fail(cycle, `original ${basename(file)}: ${sha}`);
    }
    for (const v of db.prepare('SELECT id, output_path, stats FROM versions').all() as {
      id: number;
      output_path: string;
      stats: string;
    }[]) {
      const want = JSON.parse(v.stats) as { width: number; height: number };
      const got = await sharp(resolve(lib, v.output_path))
        .metadata()
        .catch((e: Error) => ({ width: -1, height: -1, error: e.message }));
      if (got.width !== want.width || got.height !== want.height)
        fail(cycle, `version ${v.id} decodes at ${got.width}×${got.height}, recorded ${want.width}×${want.height}`);
    }
  } finally {
    db.close();
  }
  for (const name of await readdir(exportsDir)) {
    if (name.startsWith('.')) continue; // staging: must be gone after the next start
    const path = join(exportsDir, name);
    if (name.endsWith('.zip')) {
      const bytes = await readFile(path);
      if (bytes.subarray(Math.max(0, bytes.length - 65_557)).lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) < 0)
        fail(cycle, `export ${name} has no zip end record`);
      continue;
    }
    const manifest = join(path, 'manifest.json');
    if (!existsSync(manifest)) {
      fail(cycle, `export ${name} has no manifest`);
      continue;
    }
    const { files } = JSON.parse(await readFile(manifest, 'utf8')) as { files: { file: string }[] };
    for (const f of files) if (!existsSync(join(path, f.file))) fail(cycle, `export ${name} lacks ${f.file}`);
  }
}

/** Just after a start: nothing of a killed process's partial work is left. */
async function checkAfterStart(cycle: number): Promise<{ staging: number }> {
  const tmp = await readdir(join(lib, '.tmp')).catch(() => []);
  if (tmp.length > 0) fail(cycle, `.tmp holds ${tmp.join(', ')}`);
  const uploads = await readdir(join(lib, '.uploads')).catch(() => []);
  if (uploads.length > 0) fail(cycle, `.uploads holds ${uploads.join(', ')}`);
  const db = openDb();
  try {
    const used = new Set<string>();
    for (const row of db.prepare('SELECT output_path, latent_path, mask_path FROM versions').raw().all() as (
      string | null
    )[][])
      for (const p of row) if (p) used.add(p.split('/').slice(0, 3).join('/'));
    const live = db.prepare("SELECT id, photo_id, options FROM jobs WHERE state IN ('queued', 'running')").all() as {
      id: number;
      photo_id: number;
      options: string;
    }[];
    const masks = new Set(live.map((j) => (JSON.parse(j.options) as { maskPath?: string }).maskPath).filter(Boolean));
    for (const j of live) used.add(`versions/${j.photo_id}/job-${j.id}`);
    for (const photo of await readdir(join(lib, 'versions')).catch(() => [])) {
      for (const name of await readdir(join(lib, 'versions', photo)).catch(() => [])) {
        const rel = `versions/${photo}/${name}`;
        if (name.startsWith('job-') && !used.has(rel)) fail(cycle, `${rel} has no version or waiting job`);
        if (name === 'masks')
          for (const m of await readdir(join(lib, rel)))
            if (!masks.has(`${rel}/${m}`)) fail(cycle, `${rel}/${m} has no waiting job`);
      }
    }
  } finally {
    db.close();
  }
  // The start's sweep of earlier export folders runs in the background.
  for (let i = 0; i < 30 && (await readdir(exportsDir)).some((n) => n.endsWith('.partial')); i++) await sleep(100);
  const staging = (await readdir(exportsDir)).filter((n) => n.endsWith('.partial'));
  if (staging.length > 0) fail(cycle, `export staging left: ${staging.join(', ')}`);
  return { staging: staging.length };
}

function libraryCounts(): { photos: number; versions: number; jobs: number } {
  const db = openDb();
  try {
    const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    return { photos: count('photos'), versions: count('versions'), jobs: count('jobs') };
  } finally {
    db.close();
  }
}

function runningJobs(): number[] {
  const db = openDb();
  try {
    return db.prepare("SELECT id FROM jobs WHERE state = 'running'").pluck().all() as number[];
  } finally {
    db.close();
  }
}

// ---- the photos and the actions ----------------------------------------------------------------

const inputs = join(work, 'in');
const photos: string[] = [];
for (let i = 0; i < 8; i++) {
  const mp = 0.3 + random() * 1.2;
  const w = Math.round(Math.sqrt(mp * 1e6 * 1.33));
  photos.push(await makePhoto(join(inputs, `scan-${i}.jpg`), w, Math.round(w / 1.33)));
}
const bigPhoto = await makePhoto(join(inputs, 'big.jpg'), 2400, 1800);
await mkdir(exportsDir, { recursive: true });

type Action = 'restore' | 'rerun' | 'import' | 'upload' | 'export' | 'cancel-then-kill';
type Kill = 'both' | 'server' | 'runner';

async function act(s: Server, action: Action, cycle: number): Promise<string> {
  const ids = (
    await api<{ items: { id: number; fileName: string }[] }>(s, 'library:list', {
      offset: 0,
      limit: 500,
      sort: 'imported'
    })
  ).items;
  const scans = ids.filter((p) => !p.fileName.startsWith('batch-'));
  switch (action) {
    case 'restore': {
      const chosen = scans.filter(() => random() < 0.4).slice(0, 4);
      const photoIds = (chosen.length ? chosen : scans.slice(0, 1)).map((p) => p.id);
      void api(s, 'restore:start', { photoIds, scratches: pick(['auto', 'on', 'off']) }).catch(() => {});
      return `restore ${photoIds.length}`;
    }
    case 'rerun': {
      for (const p of scans) {
        const versions = await api<{ id: number; stats: { width: number; height: number } }[]>(
          s,
          'versions:list',
          p.id
        );
        const v = versions.at(-1);
        if (!v) continue;
        const { width, height } = v.stats;
        const m = Buffer.alloc(width * height);
        const y0 = Math.floor(height * random() * 0.8);
        for (let y = y0; y < y0 + Math.max(2, height / 20); y++)
          m.fill(255, y * width + Math.floor(width * 0.1), y * width + Math.floor(width * 0.9));
        const png = await sharp(m, { raw: { width, height, channels: 1 } })
          .png()
          .toBuffer();
        void api(s, 'restore:rerunMapping', { versionId: v.id, maskPng: { $bytes: png.toString('base64') } }).catch(
          () => {}
        );
        return `re-run of version ${v.id}`;
      }
      void api(s, 'restore:start', { photoIds: scans.slice(0, 2).map((p) => p.id), scratches: 'auto' }).catch(() => {});
      return 'restore 2 (no version to re-run yet)';
    }
    case 'import': {
      const dir = join(work, `batch-${cycle}`);
      const files = [];
      for (let i = 0; i < 40; i++)
        files.push(
          await makePhoto(
            join(dir, `batch-${cycle}-${i}.jpg`),
            160 + Math.floor(random() * 300),
            120 + Math.floor(random() * 200)
          )
        );
      // Uploaded first, then imported by the commit: the kill falls on the import.
      void uploadImport(s, files).catch(() => {});
      return `import ${files.length} files`;
    }
    case 'upload': {
      const batch = randomUUID().replace(/-/g, '');
      let n = 0;
      for (; n < 6; n++) {
        const file = await makePhoto(join(work, `upload-${cycle}`, `batch-up-${cycle}-${n}.jpg`), 400, 300);
        await fetch(`${s.base}/api/upload?batch=${batch}&path=${encodeURIComponent(basename(file))}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/octet-stream' },
          body: await readFile(file)
        });
      }
      void fetch(`${s.base}/api/upload/commit`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ batch })
      }).catch(() => {});
      return `upload ${n} files`;
    }
    case 'export': {
      const kind = pick(['folder', 'zip'] as const);
      const path = join(exportsDir, kind === 'zip' ? `album-${cycle}.zip` : `album-${cycle}`);
      void api(s, 'export:album', {
        photoIds: ids.map((p) => p.id),
        what: 'both',
        format: pick(['png', 'tiff16', 'jpeg']),
        quality: 90,
        manifest: 'json',
        destination: { kind, path }
      }).catch(() => {});
      return `export ${ids.length} photos to a ${kind}`;
    }
    case 'cancel-then-kill':
      return 'cancel-then-kill';
  }
}

/** Waits (up to `ms`) until none of `ids` is queued or running; how many still are. */
async function settle(s: Server, ids: number[], ms: number): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    const active = new Set(
      (await api<{ id: number }[]>(s, 'jobs:list', { active: true, limit: 1000 })).map((j) => j.id)
    );
    const left = ids.filter((id) => active.has(id)).length;
    if (left === 0 || Date.now() > until) return left;
    await sleep(250);
  }
}

/** Restores the big photo, cancels it once it maps, and returns when the server should die (0.1-0.5 s later). */
async function cancelThenKill(s: Server): Promise<string> {
  const big = (
    await api<{ items: { id: number; fileName: string }[] }>(s, 'library:list', {
      offset: 0,
      limit: 500,
      sort: 'imported'
    })
  ).items.find((p) => p.fileName === 'big.jpg')!;
  // The queue is let run dry first (two minutes at most), so the big restore runs now and is cancelled mid-way.
  for (let t = 0; t < 1200 && (await api<unknown[]>(s, 'jobs:list', { active: true, limit: 1 })).length > 0; t++)
    await sleep(100);
  const [job] = await api<{ id: number }[]>(s, 'restore:start', { photoIds: [big.id], scratches: 'off' });
  for (let t = 0; t < 1200; t++) {
    const j = (
      await api<{ id: number; state: string; stage: string | null; progress: number }[]>(s, 'jobs:list', {
        active: false,
        limit: 200
      })
    ).find((x) => x.id === job!.id);
    if (j?.state === 'running' && (j.stage === 'map' || j.stage === 'decode')) break;
    if (j && j.state !== 'running' && j.state !== 'queued') break;
    await sleep(100);
  }
  const at = (
    await api<{ id: number; stage: string | null; progress: number }[]>(s, 'jobs:list', { active: true, limit: 10 })
  ).find((x) => x.id === job!.id);
  await api(s, 'jobs:cancel', job!.id);
  await sleep(100 + random() * 400);
  return `cancelled job ${job!.id} at ${at?.stage ?? 'its end'} ${Math.round((at?.progress ?? 1) * 100)} %`;
}

// ---- the loop ------------------------------------------------------------------------------------

interface Cycle {
  cycle: number;
  action: string;
  kill: Kill;
  afterMs: number;
  restartMs: number;
  runnerExitMs: number | null;
  interrupted: number[];
  /** Jobs the previous kill cut off that had not finished when this cycle's action began. */
  unsettled: number;
}
const cycles: Cycle[] = [];
const interrupted = new Set<number>();
const started = Date.now();

console.log(`kill loop: ${CYCLES} cycles at most, ${flags['max-minutes']} min at most, library ${lib}`);
{
  // Two restored versions to start from, so that mask re-runs can be cut off too.
  const s = await startServer();
  const imported = await uploadImport(s, [...photos, bigPhoto]);
  if (!imported.ok) throw new Error(`the first import failed: ${imported.status} ${await imported.text()}`);
  const first = (
    await api<{ items: { id: number }[] }>(s, 'library:list', { offset: 0, limit: 2, sort: 'imported' })
  ).items.map((p) => p.id);
  await api(s, 'restore:start', { photoIds: first, scratches: 'auto' });
  for (let t = 0; (await api<unknown[]>(s, 'jobs:list', { active: true, limit: 10 })).length > 0 && t < 3000; t++)
    await sleep(200);
  kill9(s.child.pid!);
  await waitGone(s.child);
}

for (let c = 1; c <= CYCLES && Date.now() < DEADLINE; c++) {
  const s = await startServer();
  await checkAfterStart(c);
  // The jobs the last kill cut off get their next attempt before this cycle's kill (90 s at most),
  // as a user restarting the app would see.
  const unsettled = await settle(s, cycles.at(-1)?.interrupted ?? [], 90_000);
  const action: Action = pick([
    'restore',
    'restore',
    'rerun',
    'rerun',
    'import',
    'upload',
    'export',
    'export',
    'cancel-then-kill'
  ]);
  const kill: Kill = action === 'cancel-then-kill' ? 'server' : pick(['both', 'server', 'runner']);
  let what = await act(s, action, c);
  const t0 = performance.now();
  if (action === 'cancel-then-kill') what = await cancelThenKill(s);
  else await sleep(300 + random() * 7700);
  const afterMs = Math.round(performance.now() - t0);
  const runners = runnerPids(s.child.pid!);
  if (kill === 'runner') {
    // The server restarts its runner and retries the job; then the server dies too, to end the cycle.
    runners.forEach(kill9);
    await sleep(1000 + random() * 2000);
  }
  const before = runnerPids(s.child.pid!);
  if (kill === 'both') before.forEach(kill9);
  kill9(s.child.pid!);
  await waitGone(s.child);
  const runnerExitMs = await timeToExit(before);
  if (runnerExitMs === null) {
    fail(c, `runner ${before.join(', ')} still running 5 s after its server died`);
    before.forEach(kill9);
  }
  const cut = runningJobs();
  cut.forEach((id) => interrupted.add(id));
  await checkAtRest(c);
  cycles.push({
    cycle: c,
    action: what,
    kill,
    afterMs,
    restartMs: s.startMs,
    runnerExitMs,
    interrupted: cut,
    unsettled
  });
  console.log(
    `cycle ${c}: ${what}, kill ${kill} after ${afterMs} ms; restart ${s.startMs} ms, runner gone in ${runnerExitMs ?? '>5000'} ms, ${cut.length} job(s) cut off${unsettled ? `, ${unsettled} of the last still waiting` : ''}`
  );
}

// Last start: everything the kills interrupted must finish.
const last = await startServer();
await checkAfterStart(cycles.length + 1);
const finishBy = Date.now() + 10 * 60_000;
while ((await api<unknown[]>(last, 'jobs:list', { active: true, limit: 10 })).length > 0) {
  if (Date.now() > finishBy) {
    fail(cycles.length + 1, 'the queue did not finish within 10 minutes');
    break;
  }
  await sleep(500);
}
const jobs = await api<{ id: number; state: string; attempts: number; error: string | null }[]>(last, 'jobs:list', {
  active: false,
  limit: 10_000
});
const outcome = [...interrupted].map((id) => jobs.find((j) => j.id === id)!).filter(Boolean);
for (const j of outcome) {
  const ok =
    j.state === 'done' ||
    j.state === 'cancelled' ||
    (j.state === 'failed' && /stopped unexpectedly three times/.test(j.error ?? ''));
  if (!ok) fail(cycles.length + 1, `interrupted job ${j.id} ended ${j.state}: ${j.error}`);
}
last.child.kill('SIGTERM');
await waitGone(last.child);
await checkAtRest(cycles.length + 1);

const restart = cycles.map((c) => c.restartMs);
const exits = cycles.map((c) => c.runnerExitMs).filter((x): x is number => x !== null);
const attempts: Record<string, number> = {};
for (const j of outcome) attempts[`${j.state}@${j.attempts}`] = (attempts[`${j.state}@${j.attempts}`] ?? 0) + 1;
const summary = {
  cycles: cycles.length,
  minutes: Math.round((Date.now() - started) / 600) / 100,
  kills: {
    both: cycles.filter((c) => c.kill === 'both').length,
    server: cycles.filter((c) => c.kill === 'server').length,
    runner: cycles.filter((c) => c.kill === 'runner').length
  },
  interruptedJobs: outcome.length,
  interruptedOutcome: attempts,
  restartMs: { min: Math.min(...restart), max: Math.max(...restart) },
  runnerExitMs: exits.length ? { min: Math.min(...exits), max: Math.max(...exits) } : null,
  library: libraryCounts(),
  violations,
  log: cycles
};
if (flags.out) {
  await mkdir(dirname(resolve(flags.out)), { recursive: true });
  await writeFile(resolve(flags.out), `${JSON.stringify(summary, null, 1)}\n`);
}
console.log(JSON.stringify({ ...summary, log: undefined }, null, 1));
if (!flags.keep) await rm(work, { recursive: true, force: true });
else console.log(`library kept in ${lib}`);
process.exit(violations.length > 0 ? 1 : 0);
