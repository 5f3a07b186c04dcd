/**
 * The photo-tone stage: the engine's thumbnail matches PyTorch's adaptive
 * pooling (the net was trained on that), a restore computes the tone once and
 * keeps it in the latent cache, a mask re-run reuses it, and a manifest with
 * only one half of the tone contract is refused. Skipped, saying why, where
 * Debian's python3 lacks torch.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { StudioError } from '../../src/shared/errors.ts';
import { HEADER_FILE, type LatentHeader } from '../../src/main/pipeline/latent-cache-files.ts';
import { loadModelSet } from '../../src/main/pipeline/manifest.ts';
import { rerunMapping } from '../../src/main/pipeline/rerun.ts';
import { restoreFile } from '../../src/main/pipeline/restore.ts';
import { ModelSessions } from '../../src/main/pipeline/sessions.ts';
import type { PixelSource } from '../../src/main/pipeline/stages.ts';
import { photoThumbnail, photoTone, THUMB, TONE_PARAMS } from '../../src/main/pipeline/tone.ts';
import { colourPng, pattern, tempDir } from '../fixtures/pipeline-images.ts';
import { PYTHON, ROOT, pythonModule, pythonTest } from './model-parity-helpers.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('tone');
});
after(() => tmp.cleanup());

/** PyTorch's thumbnail (training.nets.tone.thumbnail) of raw interleaved pixels. */
async function torchThumbnail(src: PixelSource): Promise<Float32Array> {
  const raw = join(tmp.dir, `px-${src.width}x${src.height}.bin`);
  const out = `${raw}.f32`;
  await writeFile(raw, Buffer.from(src.data.buffer, src.data.byteOffset, src.data.byteLength));
  const code = [
    'import sys, numpy as np, torch',
    'from training.nets import thumbnail',
    'path, w, h, ch, bits, out = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]',
    'px = np.fromfile(path, np.uint16 if bits == 16 else np.uint8).reshape(h, w, ch).astype(np.float64)',
    'px = np.repeat(px, 3, 2) if ch == 1 else px',
    'x = torch.from_numpy(px / (65535 if bits == 16 else 255) * 2 - 1).permute(2, 0, 1)[None]',
    "thumbnail(x)[0].numpy().astype('<f4').tofile(out)"
  ].join('\n');
  await promisify(execFile)(
    PYTHON,
    ['-c', code, raw, String(src.width), String(src.height), String(src.channels), String(src.bitDepth), out],
    { cwd: ROOT }
  );
  const buf = await readFile(out);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

pythonTest(
  'the thumbnail matches PyTorch adaptive pooling (odd sizes, overlapping bins, 16-bit, grey)',
  120_000,
  async (t) => {
    const grey16 = new Uint16Array(45 * 130);
    for (let i = 0; i < grey16.length; i++) grey16[i] = (i * 7919) % 65536;
    const cases: PixelSource[] = [
      { width: 173, height: 97, channels: 3, bitDepth: 8, data: pattern(173, 97) },
      { width: 50, height: 31, channels: 3, bitDepth: 8, data: pattern(50, 31) }, // smaller than 64: bins overlap
      { width: 130, height: 45, channels: 1, bitDepth: 16, data: grey16 }
    ];
    for (const src of cases) {
      const ours = photoThumbnail(src);
      const ref = await torchThumbnail(src);
      assert.equal(ours.length, 3 * THUMB * THUMB);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!));
      t.diagnostic(
        `${src.width}×${src.height}×${src.channels} ${src.bitDepth}-bit: max |engine − torch| = ${worst.toExponential(2)}`
      );
      assert.ok(worst < 1e-5, `${src.width}×${src.height}: ${worst}`);
    }
  }
);

pythonTest('a restore keeps the photo tone in its cache and a mask re-run reuses it', 600_000, async () => {
  const out = join(tmp.dir, 'models');
  await pythonModule(
    'training.export',
    ['--random-init', '--config', 'training/configs/tiny.json', '--out', out],
    500_000
  );
  const models = await loadModelSet(out);
  assert.ok(models.manifest.stages.tone, 'a random-init set of the current networks has a tone stage');
  const sessions = await ModelSessions.open(models, { provider: 'cpu', threads: 1 });
  try {
    const input = join(tmp.dir, 'photo.png');
    await colourPng(input, 120, 90);
    const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
    const src: PixelSource = {
      width: info.width,
      height: info.height,
      channels: 3,
      bitDepth: 8,
      data: new Uint8Array(data)
    };
    const expected = await photoTone({ sessions }, src);
    assert.equal(expected.length, TONE_PARAMS);
    assert.ok(
      expected.some((v) => Math.abs(v) > 1e-4),
      'random weights give a real correction, not the identity'
    );

    const cacheDir = join(tmp.dir, 'v1');
    const blank = join(tmp.dir, 'blank.png');
    await sharp(Buffer.alloc(120 * 90), { raw: { width: 120, height: 90, channels: 1 } })
      .png()
      .toFile(blank);
    await restoreFile(sessions, input, { outPath: join(tmp.dir, 'v1.png'), maskPath: blank, cacheDir });
    const header = JSON.parse(await readFile(join(cacheDir, HEADER_FILE), 'utf8')) as LatentHeader;
    assert.deepEqual(header.tone, Array.from(expected));

    // the same (empty) mask again, all tiles re-run: the cached tone must give the very same pixels
    await rerunMapping(sessions, cacheDir, blank, { outPath: join(tmp.dir, 'v2.png') });
    const [a, b] = await Promise.all(['v1.png', 'v2.png'].map((f) => sharp(join(tmp.dir, f)).raw().toBuffer()));
    assert.ok(a!.equals(b!), 're-run with the cached tone reproduces the restore');

    // a cache without the tone (an older restore) is refused with the way out, not decoded without it
    await writeFile(join(cacheDir, HEADER_FILE), JSON.stringify({ ...header, tone: undefined }));
    await assert.rejects(
      rerunMapping(sessions, cacheDir, blank, { outPath: join(tmp.dir, 'v3.png') }),
      (err: unknown) =>
        err instanceof StudioError && err.kind === 'conflict' && /no photo tone.*full restore/.test(err.message)
    );
  } finally {
    await sessions.release();
  }

  // half a tone contract: tone.onnx without decode's input (or the reverse) cannot run
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
  delete manifest.stages.tone;
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest));
  await assert.rejects(loadModelSet(out), /stages: a tone stage and a decode stage that takes "tone" come together/);
});
