/**
 * The detector's mask as the engine saves it is the model's thresholded
 * output pixel for pixel (regression: the full-resolution resize came back
 * from sharp as 3 interleaved channels and was read as one, which striped and
 * squeezed every detected mask).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { loadModelSet } from '../../src/main/pipeline/manifest.ts';
import { readSource } from '../../src/main/pipeline/image-io.ts';
import { detectMask } from '../../src/main/pipeline/mask.ts';
import { ModelSessions } from '../../src/main/pipeline/sessions.ts';
import { reflect } from '../../src/main/pipeline/tiling.ts';
import { type Plane, halve, keepLargePieces, upsample } from '../../src/main/pipeline/pyramid.ts';
import { TINY_MODELS, colourPng, copyModels, tempDir } from '../fixtures/pipeline-images.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('detect-mask');
});
after(() => tmp.cleanup());

/**
 * detectMask on `input` with a copy of the tiny models whose manifest `detect` settings `edit` changed: the mask and
 * the tile counts progress reported.
 */
async function detectWith(
  name: string,
  input: string,
  edit: (detect: Record<string, unknown>) => void
): Promise<{ mask: Uint8Array; tiles: number[] }> {
  const dir = await copyModels(join(tmp.dir, name));
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest.detect);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const models = await loadModelSet(dir);
  const sessions = await ModelSessions.open(models, { provider: 'cpu', threads: 1 });
  const tiles: number[] = [];
  try {
    const mask = await detectMask(
      { sessions, onEvent: (e) => e.type === 'tile' && tiles.push(e.tiles) },
      models,
      await readSource(input)
    );
    return { mask, tiles };
  } finally {
    await sessions.release();
  }
}

test('detectMask equals the detector output thresholded, pixel for pixel', async () => {
  const [width, height] = [150, 110]; // one tile, below workingLongSide: no resampling anywhere
  const input = join(tmp.dir, 'photo.png');
  await colourPng(input, width, height);
  // The detector's output on this photo, computed here the way the engine
  // prepares it (b-w grey, reflected to a multiple).
  const fixture = await loadModelSet(TINY_MODELS);
  const grey = await sharp(input).toColourspace('b-w').raw().toBuffer();
  const mult = fixture.manifest.stages.detect.spatialMultiple;
  const [ph, pw] = [Math.ceil(height / mult) * mult, Math.ceil(width / mult) * mult];
  const data = new Float32Array(ph * pw);
  for (let y = 0; y < ph; y++)
    for (let x = 0; x < pw; x++)
      data[y * pw + x] = (grey[reflect(y, height) * width + reflect(x, width)]! * 2) / 255 - 1;
  const session = await ort.InferenceSession.create(join(TINY_MODELS, 'detect.onnx'));
  const prob = (await session.run({ image: new ort.Tensor('float32', data, [1, 1, ph, pw]) })).mask_prob!
    .data as Float32Array;
  await session.release();
  // A threshold at the median of the random detector's output marks about half the photo: any misplaced pixel shows.
  const inside: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) inside.push(prob[y * pw + x]!);
  const threshold = inside.sort((a, b) => a - b)[inside.length >> 1]!;
  const { mask } = await detectWith('plain', input, (detect) => {
    detect.threshold = threshold;
  });
  let set = 0;
  let differ = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const want = prob[y * pw + x]! >= threshold ? 1 : 0;
      set += want;
      differ += want !== mask[y * width + x] ? 1 : 0;
    }
  assert.ok(
    set > 0.3 * width * height && set < 0.7 * width * height,
    `about half the pixels should be marked (${set})`
  );
  assert.equal(differ, 0, `${differ} mask pixels differ from the detector's thresholded output`);
});

/**
 * A colour test photo, its grey pixels, and the tiny detector's session and
 * spatial multiple, for the tests that run the detector by hand.
 */
async function detectorOn(name: string, width: number, height: number) {
  const input = join(tmp.dir, `${name}.png`);
  await colourPng(input, width, height);
  const fixture = await loadModelSet(TINY_MODELS);
  const mult = fixture.manifest.stages.detect.spatialMultiple;
  const grey = await sharp(input).toColourspace('b-w').raw().toBuffer();
  const session = await ort.InferenceSession.create(join(TINY_MODELS, 'detect.onnx'));
  return { input, mult, grey, session };
}

test('with a pyramid, coarse levels add their large pieces where the upsampled output reaches the pyramid threshold', async () => {
  const [width, height] = [240, 200]; // every level fits one tile: the reference needs no blending
  const { input, mult, grey, session } = await detectorOn('pyramid', width, height);
  const run = async (level: Plane): Promise<Plane> => {
    const [ph, pw] = [
      Math.max(4 * mult, Math.ceil(level.height / mult) * mult),
      Math.max(4 * mult, Math.ceil(level.width / mult) * mult)
    ];
    const data = new Float32Array(ph * pw);
    for (let y = 0; y < ph; y++)
      for (let x = 0; x < pw; x++)
        data[y * pw + x] = level.data[reflect(y, level.height) * level.width + reflect(x, level.width)]!;
    const prob = (await session.run({ image: new ort.Tensor('float32', data, [1, 1, ph, pw]) })).mask_prob!
      .data as Float32Array;
    const out = new Float32Array(level.width * level.height);
    for (let y = 0; y < level.height; y++) out.set(prob.subarray(y * pw, y * pw + level.width), y * level.width);
    return { data: out, width: level.width, height: level.height };
  };
  const levels: Plane[] = [{ data: Float32Array.from(grey, (v) => (v * 2) / 255 - 1), width, height }];
  levels.push(halve(levels[0]!), halve(halve(levels[0]!))); // 120 × 100 and 60 × 50 with minSide 50; 30 × 25 is under it
  const probs: Float32Array[] = [];
  for (const [k, level] of levels.entries())
    probs.push(k ? upsample(await run(level), width, height).data : (await run(level)).data);
  await session.release();
  const median = (a: Float32Array, q: number): number => Float32Array.from(a).sort()[Math.floor(a.length * q)]!;
  const threshold = median(probs[0]!, 0.5);
  const pyramid = { minSide: 50, threshold: median(probs[1]!, 0.7), minArea: 30 };
  const { mask, tiles } = await detectWith('pyramid-models', input, (detect) => {
    detect.threshold = threshold;
    detect.pyramid = pyramid;
  });
  assert.deepEqual(new Set(tiles), new Set([3]), 'progress counts the tiles of every level');
  const coarse = Uint8Array.from(probs[1]!, (p, i) =>
    p >= pyramid.threshold || probs[2]![i]! >= pyramid.threshold ? 1 : 0
  );
  const unfiltered = coarse.reduce((n, v) => n + v, 0);
  keepLargePieces(coarse, width, height, pyramid.minArea);
  const dropped = unfiltered - coarse.reduce((n, v) => n + v, 0);
  assert.ok(dropped > 0, 'some coarse pieces are under minArea: the filter is exercised');
  let differ = 0;
  let fine = 0;
  let added = 0;
  for (let i = 0; i < width * height; i++) {
    const atFull = probs[0]![i]! >= threshold;
    const want = atFull || coarse[i] === 1;
    fine += atFull ? 1 : 0;
    added += want && !atFull ? 1 : 0;
    differ += (want ? 1 : 0) !== mask[i] ? 1 : 0;
  }
  assert.ok(added > 0.02 * width * height, `the coarse levels should add pixels (${added}; full scale alone ${fine})`);
  assert.equal(differ, 0, `${differ} mask pixels differ from the pyramid of detector outputs`);
});

test('with detect.mirrors the mask thresholds the mean of the detector over the photo and its mirror images', async () => {
  const [width, height] = [150, 110]; // one tile at full scale, no pyramid: the views are the only difference
  const { input, mult, grey, session } = await detectorOn('mirrors', width, height);
  // the detector on one view (flipped as asked), mirrored up to its
  // multiple at the view's right and bottom, flipped back
  const view = async (rows: boolean, cols: boolean): Promise<Float32Array> => {
    const [ph, pw] = [Math.ceil(height / mult) * mult, Math.ceil(width / mult) * mult];
    const data = new Float32Array(ph * pw);
    const at = (y: number, x: number): number =>
      grey[(rows ? height - 1 - y : y) * width + (cols ? width - 1 - x : x)]!;
    for (let y = 0; y < ph; y++)
      for (let x = 0; x < pw; x++) data[y * pw + x] = (at(reflect(y, height), reflect(x, width)) * 2) / 255 - 1;
    const prob = (await session.run({ image: new ort.Tensor('float32', data, [1, 1, ph, pw]) })).mask_prob!
      .data as Float32Array;
    const out = new Float32Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        out[y * width + x] = prob[(rows ? height - 1 - y : y) * pw + (cols ? width - 1 - x : x)]!;
    return out;
  };
  const views = [await view(false, false), await view(false, true), await view(true, false), await view(true, true)];
  await session.release();
  for (const mirrors of [2, 4] as const) {
    const mean = new Float32Array(width * height);
    for (let i = 0; i < mean.length; i++) {
      let sum = 0;
      for (let v = 0; v < mirrors; v++) sum += views[v]![i]!;
      mean[i] = sum / mirrors;
    }
    const threshold = Float32Array.from(mean).sort()[mean.length >> 1]!;
    const { mask, tiles } = await detectWith(`mirrors-${mirrors}`, input, (detect) => {
      detect.threshold = threshold;
      detect.mirrors = mirrors;
      delete detect.pyramid;
    });
    assert.deepEqual(
      tiles,
      Array.from({ length: mirrors }, () => mirrors),
      'progress counts one tile per view'
    );
    let differ = 0;
    let unlike = 0; // pixels where the photo's view alone would decide otherwise: the mirrors must matter
    // float sums in another order may straddle the threshold by an ulp: allow pixels within 1e-6 of it
    for (let i = 0; i < mean.length; i++) {
      const want = mean[i]! >= threshold ? 1 : 0;
      if (Math.abs(mean[i]! - threshold) > 1e-6) differ += want !== mask[i] ? 1 : 0;
      unlike += want !== (views[0]![i]! >= threshold ? 1 : 0) ? 1 : 0;
    }
    assert.ok(unlike > 0.01 * mean.length, `${mirrors} views: the mirror images should change the mask (${unlike} px)`);
    assert.equal(differ, 0, `${mirrors} views: ${differ} mask pixels differ from the thresholded mean of the views`);
  }
});
