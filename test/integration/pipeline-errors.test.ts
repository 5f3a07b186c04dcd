/**
 * Bad input and provider fallback on the real onnxruntime path: damaged and
 * unsupported images, missing/invalid manifests, a model failing its checksum,
 * read-only and full output folders (no partial outputs), `--ep cuda` here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModelSet } from '../../src/main/pipeline/manifest.ts';
import { autoCandidates, skipReason } from '../../src/main/pipeline/providers.ts';
import { restoreFile } from '../../src/main/pipeline/restore.ts';
import { ModelSessions } from '../../src/main/pipeline/sessions.ts';
import { TINY_MODELS, colourPng, copyModels } from '../fixtures/pipeline-images.ts';
import { tinySessionsSuite } from '../fixtures/tiny-sessions.ts';

const suite = tinySessionsSuite('pipeline-errors');

test('damaged, unsupported and missing images fail with clear errors and write nothing', async () => {
  const out = join(suite.tmp.dir, 'bad-out');
  await mkdir(out);
  const good = join(suite.tmp.dir, 'good.png');
  await colourPng(good, 40, 30);
  const bytes = await readFile(good);
  await writeFile(join(suite.tmp.dir, 'truncated.png'), bytes.subarray(0, bytes.length / 2));
  await writeFile(join(suite.tmp.dir, 'notes.jpg'), 'this is not a photo');
  await assert.rejects(
    restoreFile(suite.sessions, join(suite.tmp.dir, 'truncated.png'), { outPath: join(out, 'a.png') }),
    (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'corrupt-file');
      assert.match(e.message, /^truncated\.png: the image is damaged/);
      return true;
    }
  );
  await assert.rejects(restoreFile(suite.sessions, join(suite.tmp.dir, 'notes.jpg'), { outPath: join(out, 'b.png') }), {
    kind: 'unsupported-format'
  });
  await assert.rejects(
    restoreFile(suite.sessions, join(suite.tmp.dir, 'absent.jpg'), { outPath: join(out, 'c.png') }),
    { kind: 'not-found' }
  );
  assert.deepEqual(await readdir(out), []);
});

test('a missing manifest lists the paths tried; an invalid one names the field', async () => {
  await assert.rejects(loadModelSet([join(suite.tmp.dir, 'nowhere'), join(suite.tmp.dir, 'nor-here')]), (e: Error) => {
    assert.match(
      e.message,
      /no model manifest found; tried: .*nowhere[/\\]manifest\.json, .*nor-here[/\\]manifest\.json/
    );
    return true;
  });
  const dir = join(suite.tmp.dir, 'invalid');
  await mkdir(dir);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ format: 1, modelId: 'x', latentChannels: 4 }));
  await assert.rejects(loadModelSet(dir), /manifest\.json is invalid: stages/);
  await writeFile(join(dir, 'manifest.json'), '{ not json');
  await assert.rejects(loadModelSet(dir), /is not valid JSON/);
});

test('a model file that fails its checksum is refused with expected and actual sha256', async () => {
  const dir = await copyModels(join(suite.tmp.dir, 'tampered'));
  const map = join(dir, 'map.onnx');
  const bytes = await readFile(map);
  bytes[bytes.length - 1] ^= 0xff;
  await writeFile(map, bytes);
  const set = await loadModelSet(dir);
  const damaged = await ModelSessions.open(set, { provider: 'cpu', threads: 1 });
  try {
    const input = join(suite.tmp.dir, 'sum.png');
    await colourPng(input, 32, 32);
    await assert.rejects(
      restoreFile(damaged, input, { outPath: join(suite.tmp.dir, 'sum.out.png'), scratches: 'off' }),
      (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'model');
        assert.ok(e.message.includes(map), 'names the file');
        assert.ok(e.message.includes(set.manifest.stages.map.sha256), 'names the expected checksum');
        assert.match(e.message, /the file has [0-9a-f]{64}/);
        return true;
      }
    );
  } finally {
    await damaged.release();
  }
  await writeFile(join(dir, 'encode.onnx'), 'gone');
  await assert.rejects(
    ModelSessions.open(await loadModelSet(dir), { provider: 'cpu' }),
    /encode\.onnx fails its checksum/
  );
});

test('--ep cuda fails clearly here; auto falls back to CPU and says why', async (t) => {
  const set = await loadModelSet(TINY_MODELS);
  if (!autoCandidates().includes('cuda')) return t.skip('CUDA is not a candidate on this platform');
  let cudaWorks = false;
  try {
    await (await ModelSessions.open(set, { provider: 'cuda' })).release();
    cudaWorks = true;
  } catch (err) {
    assert.match((err as Error).message, /execution provider "cuda" is not usable here: CUDA/);
  }
  const auto = await ModelSessions.open(set, { provider: 'auto', threads: 1 });
  try {
    if (cudaWorks) assert.equal(auto.choice.provider, 'cuda');
    else {
      assert.equal(auto.choice.provider === 'cpu' || auto.choice.provider === 'webgpu', true);
      assert.ok(auto.choice.rejected.some((r) => r.provider === 'cuda'));
      assert.match(auto.choice.reason, /^(CPU|WebGPU): .*CUDA/);
    }
  } finally {
    await auto.release();
  }
});

/** Mounts a tmpfs (root only, as on CI containers); returns false where that is not allowed. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a read-only output folder and a full one give clear errors and no partial files', async (t) => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return t.skip('needs root to mount small filesystems');
  const input = join(suite.tmp.dir, 'io.png');
  await colourPng(input, 200, 160);
  const ro = join(suite.tmp.dir, 'ro');
  const full = join(suite.tmp.dir, 'full');
  await mkdir(ro);
  await mkdir(full);
  if (!mountTmpfs(ro, 'ro,size=1m') || !mountTmpfs(full, 'size=16k')) return t.skip('mount not permitted here');
  try {
    await assert.rejects(
      restoreFile(suite.sessions, input, { outPath: join(ro, 'io.png'), scratches: 'off' }),
      (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'io');
        assert.match(e.message, /read-only or not writable/);
        return true;
      }
    );
    await assert.rejects(
      restoreFile(suite.sessions, input, {
        outPath: join(full, 'io.png'),
        maskOutPath: join(full, 'io.mask.png'),
        scratches: 'on'
      }),
      (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'io');
        assert.match(e.message, /no space left/);
        return true;
      }
    );
    assert.deepEqual(await readdir(full), [], 'no temp or partial output left behind');
  } finally {
    execFileSync('umount', [ro]);
    execFileSync('umount', [full]);
  }
});

test('auto skips WebGPU on Linux without a GPU render node, and says so', async () => {
  const empty = join(suite.tmp.dir, 'no-dri');
  await mkdir(empty);
  assert.match(skipReason('webgpu', 'linux', empty) ?? '', /no GPU render device/);
  assert.match(skipReason('webgpu', 'linux', join(empty, 'missing')) ?? '', /no GPU render device/);
  await writeFile(join(empty, 'renderD128'), '');
  assert.equal(skipReason('webgpu', 'linux', empty), null);
  assert.equal(skipReason('webgpu', 'win32', join(empty, 'missing')), null);
  assert.equal(skipReason('cpu', 'linux', join(empty, 'missing')), null);
});
