/**
 * Browser mode over a real library: a token holder reaches the library, its
 * uploads and the export folder, nothing else on the machine. Imports come
 * through uploads only (and a refusal never tells whether a path exists);
 * exports go into the `--exports` folder, checked after resolving symlinks,
 * never into the library.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startBridge } from '../../src/main/bridge/server.ts';
import type { Bridge, BridgeServices } from '../../src/main/bridge/types.ts';
import { createServices, validateArgs, type Services } from '../../src/main/services/index.ts';
import { encodeWire } from '../../src/shared/wire.ts';
import { makePhoto } from '../helpers/images.ts';

let work: string;
let lib: string;
let exportsDir: string;
let svc: Services;
let bridge: Bridge;
let photoId: number;

const transport = (s: Services): BridgeServices => ({
  handlers: s.handlers,
  validateArgs: (channel, args) => validateArgs(channel as never, args) as unknown[],
  readMedia: (kind, key) => s.readMedia(kind, key)
});

async function call(
  b: Bridge,
  channel: string,
  args: unknown[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the value its channel answers
): Promise<{ status: number; body: { ok: boolean; value?: any; error?: { kind: string; message: string } } }> {
  const res = await fetch(`http://127.0.0.1:${b.port}/api/call/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${b.token}`, 'Content-Type': 'application/json' },
    body: encodeWire(args)
  });
  return { status: res.status, body: (await res.json()) as never };
}

const exportTo = (b: Bridge, kind: 'folder' | 'zip', path: string) =>
  call(b, 'export:album', [{ photoIds: [photoId], what: 'originals', format: 'jpeg', destination: { kind, path } }]);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'heirloom-confine-'));
  lib = join(work, 'lib');
  exportsDir = join(work, 'Exports');
  await mkdir(exportsDir);
  await mkdir(join(work, 'outside'));
  await mkdir(join(work, 'renderer'));
  await writeFile(join(work, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  await makePhoto(join(work, 'secret.jpg'), 64, 48, { seed: 1 });
  svc = await createServices({ libraryDir: lib, emit: () => {}, modelDirs: [join(work, 'no-models')] });
  bridge = await startBridge({
    services: transport(svc),
    libraryDir: lib,
    rendererDir: join(work, 'renderer'),
    exportRoot: exportsDir
  });
  const auth = { Authorization: `Bearer ${bridge.token}` };
  const up = await fetch(`http://127.0.0.1:${bridge.port}/api/upload?batch=batch0001&path=print.jpg`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/octet-stream' },
    body: await makePhoto(join(work, 'print.jpg'), 64, 48, { seed: 2 }).then(() => readFile(join(work, 'print.jpg')))
  });
  assert.equal(up.status, 200);
  const commit = await fetch(`http://127.0.0.1:${bridge.port}/api/upload/commit`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ batch: 'batch0001' })
  });
  photoId = ((await commit.json()) as { value: { outcomes: { photoId: number }[] } }).value.outcomes[0]!.photoId;
});

after(async () => {
  await bridge.close();
  await svc.close();
  await rm(work, { recursive: true, force: true });
});

test('import:paths is refused over the bridge, alike for a file that exists and one that does not', async () => {
  const real = await call(bridge, 'import:paths', [{ paths: [join(work, 'secret.jpg')] }]);
  const missing = await call(bridge, 'import:paths', [{ paths: [join(work, 'nothing.jpg')] }]);
  assert.equal(real.status, 400);
  assert.match(real.body.error!.message, /not available in browser mode: browser mode imports only files you upload/);
  assert.deepEqual(missing, real);
  for (const channel of ['import:pickAndImport', 'library:chooseLocation']) {
    assert.equal((await call(bridge, channel, [{ kind: 'files' }])).status, 400, channel);
  }
  // The desktop's export dialog (issue 29) is no more served than its import dialogs: browser mode types the path.
  const dialog = await call(bridge, 'export:chooseDestination', [{ kind: 'folder', suggestedName: 'Summer' }]);
  assert.equal(dialog.status, 400);
  assert.match(dialog.body.error!.message, /export:chooseDestination is not available in browser mode: .*--exports/);
  assert.equal((await svc.handlers['library:stats']()).photos, 1, 'only the upload is in the library');
});

test('exports land in the export folder, as a folder or a .zip', async () => {
  const folder = await exportTo(bridge, 'folder', join(exportsDir, 'Summer'));
  assert.equal(folder.status, 200, JSON.stringify(folder.body));
  assert.equal(folder.body.value.path, join(exportsDir, 'Summer'));
  assert.ok((await readdir(join(exportsDir, 'Summer'))).some((n) => n.endsWith('.jpg')));
  const zip = await exportTo(bridge, 'zip', join(exportsDir, 'Summer.zip'));
  assert.equal(zip.status, 200, JSON.stringify(zip.body));
  assert.ok(existsSync(join(exportsDir, 'Summer.zip')));
});

test('exports outside the export folder are refused: elsewhere, through a symlink, through ..', async () => {
  await symlink(join(work, 'outside'), join(exportsDir, 'escape'));
  await symlink(lib, join(exportsDir, 'library-link'));
  for (const [kind, path] of [
    ['folder', join(work, 'outside', 'album')],
    ['zip', join(work, 'outside', 'album.zip')],
    ['folder', join(exportsDir, 'escape', 'album')],
    ['folder', `${exportsDir}/../outside/album`],
    ['folder', join(exportsDir, 'library-link', 'originals', 'album')],
    ['zip', join(lib, 'library.sqlite.zip')],
    ['folder', join(lib, 'originals', 'album')],
    ['folder', exportsDir]
  ] as const) {
    const res = await exportTo(bridge, kind, path);
    assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
    assert.match(
      res.body.error!.message,
      /exports go inside .*Exports \(the folder `heirloom serve --exports` names\)/,
      path
    );
  }
  assert.deepEqual(await readdir(join(work, 'outside')), []);
  assert.ok(!existsSync(join(lib, 'library.sqlite.zip')));
  assert.ok(!existsSync(join(lib, 'originals', 'album')));
});

test('an export folder that holds the library still keeps exports out of the library', async () => {
  const wide = await startBridge({
    services: transport(svc),
    libraryDir: lib,
    rendererDir: join(work, 'renderer'),
    exportRoot: work
  });
  try {
    for (const [kind, path] of [
      ['zip', join(lib, 'library.sqlite')],
      ['folder', join(lib, 'originals', 'album')],
      ['folder', lib]
    ] as const) {
      const res = await exportTo(wide, kind, path);
      assert.equal(res.status, 400, path);
      assert.match(res.body.error!.message, /never go into the library folder/);
    }
    assert.ok(!existsSync(join(lib, 'library.sqlite.zip')));
  } finally {
    await wide.close();
  }
  for (const [exportRoot, refusal] of [
    [join(lib, 'originals'), /inside the library/],
    [join(work, 'nope'), /does not exist/]
  ] as const)
    await assert.rejects(
      startBridge({ services: transport(svc), libraryDir: lib, rendererDir: join(work, 'renderer'), exportRoot }),
      refusal
    );
});

test('without --exports, folder and .zip exports are refused with what to do', async () => {
  const closed = await startBridge({ services: transport(svc), libraryDir: lib, rendererDir: join(work, 'renderer') });
  try {
    const res = await exportTo(closed, 'folder', join(exportsDir, 'Winter'));
    assert.equal(res.status, 400);
    assert.match(res.body.error!.message, /restart `heirloom serve` with --exports DIR/);
    assert.ok(!existsSync(join(exportsDir, 'Winter')));
  } finally {
    await closed.close();
  }
});
