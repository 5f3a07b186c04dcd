/**
 * What one token holder can make the studio do is bounded, over a real
 * library: restores of one photo with one setting are queued once however
 * often they are asked for, the queue has a ceiling, and media keys for views
 * the app never shows write no rendition files. The runner here never answers
 * (the first job stays running), so what is counted is the queue alone.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startBridge } from '../../src/main/bridge/server.ts';
import type { Bridge, BridgeServices } from '../../src/main/bridge/types.ts';
import type { RunnerHandle } from '../../src/main/jobs/spawn.ts';
import { MAX_QUEUED } from '../../src/main/jobs/queue.ts';
import { createServices, validateArgs, type Services } from '../../src/main/services/index.ts';
import { encodeWire } from '../../src/shared/wire.ts';
import { makePhoto } from '../helpers/images.ts';

let work: string;
let lib: string;
let svc: Services;
let bridge: Bridge;
let photo: { id: number; sha256: string };

/** A runner process that takes jobs and never finishes one. */
const silentRunner = (): RunnerHandle => ({
  pid: undefined,
  send: () => {},
  onMessage: () => {},
  onExit: () => {},
  kill: () => {}
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the JSON its call answers
async function call(channel: string, args: unknown[]): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${bridge.port}/api/call/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' },
    body: encodeWire(args)
  });
  return { status: res.status, body: await res.json() };
}

const jobCount = (): number => svc.db.prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-limits-'));
  lib = join(work, 'lib');
  await mkdir(join(work, 'renderer'));
  await writeFile(join(work, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  await makePhoto(join(work, 'in', 'print.jpg'), 120, 80, { seed: 5 });
  svc = await createServices({
    libraryDir: lib,
    emit: () => {},
    modelDirs: [join(work, 'no-models')],
    spawn: silentRunner
  });
  const report = await svc.handlers['import:paths']({ paths: [join(work, 'in')] });
  const outcome = report.outcomes[0]!;
  assert.equal(outcome.status, 'imported');
  const id = (outcome as { photoId: number }).photoId;
  photo = { id, sha256: (await svc.handlers['library:get'](id)).sha256 };
  const transport: BridgeServices = {
    handlers: svc.handlers,
    validateArgs: (channel, args) => validateArgs(channel as never, args) as unknown[],
    readMedia: (kind, key) => svc.readMedia(kind, key)
  };
  bridge = await startBridge({ services: transport, libraryDir: lib, rendererDir: join(work, 'renderer') });
});

after(async () => {
  await bridge.close();
  await svc.close();
  await rm(work, { recursive: true, force: true });
});

test('1,000 restore:start calls for one photo, and one naming it 5,000 times, queue one restore', async () => {
  for (let round = 0; round < 20; round++) {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => call('restore:start', [{ photoIds: [photo.id] }]))
    );
    for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
  }
  const many = await call('restore:start', [{ photoIds: Array.from({ length: 5000 }, () => photo.id) }]);
  assert.equal(many.status, 200);
  assert.equal(many.body.value.length, 1, 'one job for one photo');
  // One taken by the runner (which never finishes it), one waiting: asking again waits for the same one.
  const active = await svc.handlers['jobs:list']({ active: true, limit: 100 });
  assert.deepEqual(active.map((j) => j.state).sort(), ['queued', 'running']);
  assert.equal(jobCount(), 2);
  // Other settings are another restore.
  assert.equal((await call('restore:start', [{ photoIds: [photo.id], scratches: 'off' }])).status, 200);
  assert.equal(jobCount(), 3);
});

test('a full queue refuses more, in words, and queues nothing of the call', async () => {
  const insert = svc.db.prepare(
    `INSERT INTO jobs (kind, photo_id, state, progress, options, attempts, created_at) VALUES ('restore', ?, 'queued', 0, ?, 0, 'now')`
  );
  const waiting = svc.db.prepare(`SELECT COUNT(*) FROM jobs WHERE state = 'queued'`).pluck().get() as number;
  svc.db.transaction(() => {
    for (let i = waiting; i < MAX_QUEUED; i++) insert.run(photo.id, JSON.stringify({ scratches: 'auto', filler: i }));
  })();
  const before = jobCount();
  const res = await call('restore:start', [{ photoIds: [photo.id], scratches: 'on' }]);
  assert.equal(res.status, 409);
  assert.match(res.body.error.message, /the restore queue is full \(100,000 waiting, at most 100,000\)/);
  assert.equal(jobCount(), before);
  svc.db.prepare(`DELETE FROM jobs WHERE options LIKE '%filler%'`).run();
});

test('media keys for views the app does not show write no renditions', async () => {
  const shard = (dir: string) => join(lib, dir, photo.sha256.slice(0, 2));
  const files = async (dir: string) =>
    (await readdir(shard(dir)).catch(() => [] as string[])).filter((n) => n.startsWith(photo.sha256));
  const before = { thumbs: await files('thumbs'), display: await files('display') };
  const media = (kind: string, key: string) =>
    fetch(`http://127.0.0.1:${bridge.port}/media/${kind}/${key}?token=${bridge.token}`);
  let refused = 0;
  for (let i = 1; i <= 98; i++) {
    const key = `${photo.sha256}.t${i % 2 ? '' : '-'}${(i / 10 + 0.1).toFixed(1)}`;
    for (const kind of ['thumb', 'original']) {
      const res = await media(kind, key);
      await res.arrayBuffer();
      if (res.status === 404) refused++;
    }
  }
  assert.equal(refused, 196);
  assert.deepEqual(await files('thumbs'), before.thumbs);
  assert.deepEqual(await files('display'), before.display);
  // The photo's own views are still made: its current straightening, and its turn alone for the crop tool.
  await svc.db.prepare('DELETE FROM jobs').run();
  const tilted = await svc.handlers['photos:update'](photo.id, { rotation: 90, tilt: 2.5 });
  for (const key of [`${photo.sha256}.r90.t2.5`, `${photo.sha256}.r90`]) {
    const res = await media('original', key);
    assert.equal(res.status, 200, key);
    await res.arrayBuffer();
  }
  assert.equal(tilted.tilt, 2.5);
  assert.deepEqual((await files('display')).sort(), [`${photo.sha256}.r90.png`, `${photo.sha256}.r90.t2.5.png`]);
});
