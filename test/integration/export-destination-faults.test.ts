/**
 * Exports to a destination that cannot take them, over a real library: a
 * full disk (a tmpfs, skipped with the reason where mounting is not
 * permitted) is reported as the destination being full, with the room
 * needed and the library intact, for a folder and a zip; a read-only one in
 * plain words. Staging folders a crash left behind are removed by the next
 * export to that folder and at the next start, and only stale ones of ours.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../src/main/services/index.ts';
import { makePhoto } from '../helpers/images.ts';
import { mountSmallDisk, type SmallDisk } from '../fixtures/small-disk.ts';
import { sha256, tempDir } from './export-fixtures.ts';

let work: Awaited<ReturnType<typeof tempDir>>;
let svc: Services;
let ids: number[];
const disks: SmallDisk[] = [];

before(async () => {
  work = await tempDir('export-faults');
  svc = await createServices({
    libraryDir: join(work.dir, 'lib'),
    emit: () => {},
    modelDirs: [join(work.dir, 'no-models')]
  });
  const files = [];
  for (let i = 0; i < 4; i++)
    files.push(await makePhoto(join(work.dir, 'in', `scan-${i}.png`), 900, 700, { seed: i + 1, format: 'png' }));
  await svc.handlers['import:paths']({ paths: files });
  ids = (await svc.handlers['library:list']({ offset: 0, limit: 10, sort: 'imported' })).items.map((p) => p.id);
});
after(async () => {
  await svc.close();
  for (const d of disks) await d.unmount();
  await work.cleanup();
});

async function disk(megabytes: number, readOnly = false): Promise<SmallDisk | string> {
  const mounted = await mountSmallDisk(megabytes, { readOnly });
  if ('skip' in mounted) return mounted.skip;
  disks.push(mounted);
  return mounted;
}

/** Exports the originals of `photoIds` as JSON-manifested `format` files (quality 90) to `destination`. */
function exportOriginals(
  photoIds: number[],
  format: 'jpeg' | 'png',
  destination: { kind: 'folder' | 'zip'; path: string }
): ReturnType<Services['handlers']['export:album']> {
  return svc.handlers['export:album']({
    photoIds,
    quality: 90,
    manifest: 'json',
    what: 'originals',
    format,
    destination
  });
}

async function originals(): Promise<string[]> {
  const root = join(work.dir, 'lib', 'originals');
  const out: string[] = [];
  for (const shard of await readdir(root))
    for (const f of await readdir(join(root, shard))) out.push(`${f}:${await sha256(join(root, shard, f))}`);
  return out.sort();
}

const FULL =
  /^the destination disk is full: \S+ has \d+ MB free, and this export needs about \d+ MB\. Nothing was exported; the library and its photos are intact$/;

test(
  'a full destination says so, with the room needed and the library intact, and leaves nothing there',
  { timeout: 60_000 },
  async (t) => {
    const d = await disk(8);
    if (typeof d === 'string') return t.skip(d);
    const before = await originals();
    d.fill(1_500_000);
    for (const kind of ['folder', 'zip'] as const) {
      await assert.rejects(exportOriginals(ids, 'png', { kind, path: join(d.dir, `album-${kind}`) }), (err: Error) => {
        assert.match(err.message, FULL, `${kind}: ${err.message}`);
        return true;
      });
      assert.deepEqual((await readdir(d.dir)).sort(), ['filler.bin'], `${kind}: nothing left in the destination`);
    }
    assert.deepEqual(await originals(), before, 'the originals are byte for byte as they were');
  }
);

test('a read-only destination is refused in plain words', async (t) => {
  const d = await disk(1, true);
  if (typeof d === 'string') return t.skip(d);
  await assert.rejects(exportOriginals(ids, 'jpeg', { kind: 'folder', path: join(d.dir, 'album') }), {
    kind: 'io',
    message: `cannot export to ${d.dir}: it is on a read-only disk; choose another folder`
  });
});

/** The id of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

async function partial(parent: string, name: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '001 scan.jpg'), Buffer.alloc(2048));
  return dir;
}

test('the next export to a folder removes the staging folders a crash left there, and only stale ones of ours', async () => {
  const parent = join(work.dir, 'exports');
  await mkdir(parent, { recursive: true });
  const crashed = await partial(parent, `.heirloom-export-${deadPid()}-0123456789ab.partial`);
  const older = await partial(parent, '.heirloom-export-a1b2c3d4e5f6.partial');
  // Another export, by a process that is still running, writes into its own staging folder now.
  const busy = await partial(parent, `.heirloom-export-${process.ppid}-fedcba987654.partial`);
  const notOurs = [await partial(parent, '.heirloom-export-notes'), await partial(parent, 'album.partial')];
  const result = await exportOriginals(ids.slice(0, 1), 'jpeg', { kind: 'folder', path: join(parent, 'album') });
  assert.equal(result.files, 1);
  assert.ok(!existsSync(crashed) && !existsSync(older), 'stale staging folders of ours are gone');
  assert.ok(existsSync(busy), "a live export's staging folder stays");
  for (const d of notOurs) assert.ok(existsSync(d), `${d} is not ours and stays`);
});

test('at start, the staging folders a crash left in folders exported into before are removed', async () => {
  const parent = join(work.dir, 'desk');
  await mkdir(parent, { recursive: true });
  await exportOriginals(ids.slice(0, 1), 'jpeg', { kind: 'zip', path: join(parent, 'album.zip') });
  await svc.close();
  const crashed = await partial(parent, `.heirloom-export-${deadPid()}-00000000beef.partial`);
  svc = await createServices({
    libraryDir: join(work.dir, 'lib'),
    emit: () => {},
    modelDirs: [join(work.dir, 'no-models')]
  });
  assert.equal(await svc.exportsSwept, 1);
  assert.ok(!existsSync(crashed));
  assert.ok(existsSync(join(parent, 'album.zip')), 'the export itself stays');
});
