/**
 * The photo tone (training/nets/tone.py): a set with a `tone` stage looks at
 * the whole photo once, through a 64×64 thumbnail, and returns one colour
 * correction (15 numbers) that decode.onnx applies to every tile. It depends
 * on the input photo only, so it is computed with the encoder, kept in the
 * latent cache's header and reused by mask re-runs: every tile, and every
 * version of a photo, gets the same tone.
 */
import { StudioError } from '../../shared/errors.ts';
import type { ModelSet } from './manifest.ts';
import type { PixelSource, StageContext } from './stages.ts';

export const THUMB = 64;
export const TONE_PARAMS = 15;

/**
 * Whether the model set corrects the photo's tone (the manifest guarantees tone.onnx and decode's input come together).
 */
export function takesTone(models: ModelSet): boolean {
  return models.manifest.stages.tone !== undefined;
}

/**
 * The photo in [-1, 1] averaged into 64×64 cells, [3][64][64], with PyTorch's
 * adaptive-pooling bins (cell i spans ⌊i·H/64⌋ to ⌈(i+1)·H/64⌉, so bins of a
 * photo smaller than 64 px overlap): what `thumbnail` computes in training.
 */
export function photoThumbnail(src: PixelSource): Float32Array {
  const { width, height, channels } = src;
  const scale = 2 / (src.bitDepth === 16 ? 65535 : 255);
  // sum each row into the 64 column bins once, then add rows into row bins: one pass over the pixels
  const colStart = new Int32Array(THUMB);
  const colEnd = new Int32Array(THUMB);
  for (let j = 0; j < THUMB; j++) {
    colStart[j] = Math.floor((j * width) / THUMB);
    colEnd[j] = Math.ceil(((j + 1) * width) / THUMB);
  }
  const rowSums = new Float64Array(height * 3 * THUMB);
  for (let y = 0; y < height; y++) {
    for (let j = 0; j < THUMB; j++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        const ch = channels === 3 ? c : 0;
        for (let x = colStart[j]!; x < colEnd[j]!; x++) sum += src.data[(y * width + x) * channels + ch]!;
        rowSums[(y * 3 + c) * THUMB + j] = sum;
      }
    }
  }
  const out = new Float32Array(3 * THUMB * THUMB);
  for (let i = 0; i < THUMB; i++) {
    const y0 = Math.floor((i * height) / THUMB);
    const y1 = Math.ceil(((i + 1) * height) / THUMB);
    for (let j = 0; j < THUMB; j++) {
      const n = (y1 - y0) * (colEnd[j]! - colStart[j]!);
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) sum += rowSums[(y * 3 + c) * THUMB + j]!;
        out[(c * THUMB + i) * THUMB + j] = (sum / n) * scale - 1;
      }
    }
  }
  return out;
}

/** Runs tone.onnx on the photo's thumbnail: the correction every decode tile of this photo gets. */
export async function photoTone(ctx: StageContext, src: PixelSource): Promise<Float32Array> {
  const out = await ctx.sessions.run('tone', { thumbnail: { data: photoThumbnail(src), dims: [1, 3, THUMB, THUMB] } });
  if (out.dims.length !== 2 || out.dims[0] !== 1 || out.dims[1] !== TONE_PARAMS) {
    throw new StudioError(
      'model',
      `stage "tone" returned shape [${out.dims.join(', ')}], expected [1, ${TONE_PARAMS}]: the model does not follow the stage contract`
    );
  }
  if (!out.data.every(Number.isFinite)) throw new StudioError('model', 'stage "tone" returned a non-finite correction');
  return Float32Array.from(out.data);
}
