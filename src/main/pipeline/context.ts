/**
 * The photo context a mapping network may take (`map.onnx` input `context`,
 * [1, 2C]): per latent channel the mean, then the population standard
 * deviation, over every cell of the whole photo's latent. It mirrors
 * `latent_context` in training/nets/mapping.py. Computed once per photo and
 * given to every map tile, so a tiled run still agrees with a whole-image run;
 * defect cells are included, so a mask edit leaves it unchanged and a re-run
 * reads it from the latent cache's header instead of the whole latent.
 */
import { StudioError } from '../../shared/errors.ts';
import { HALF_TO_FLOAT } from './half.ts';
import type { ModelSet } from './manifest.ts';

/** Whether the model set's mapping stage takes the photo context. */
export function takesContext(models: ModelSet): boolean {
  return 'context' in models.manifest.stages.map.inputs;
}

/** latent: [C][plane] half floats → [mean_0 … mean_{C-1}, std_0 … std_{C-1}], summed in float64. */
export function latentContext(latent: Uint16Array, channels: number, plane: number): Float32Array {
  if (plane <= 0 || latent.length < channels * plane)
    throw new StudioError('internal', 'latent smaller than its geometry');
  const out = new Float32Array(2 * channels);
  for (let c = 0; c < channels; c++) {
    const values = latent.subarray(c * plane, (c + 1) * plane);
    let sum = 0;
    for (let i = 0; i < plane; i++) sum += HALF_TO_FLOAT[values[i]!]!;
    const mean = sum / plane;
    let sq = 0;
    for (let i = 0; i < plane; i++) {
      const d = HALF_TO_FLOAT[values[i]!]! - mean;
      sq += d * d;
    }
    out[c] = mean;
    out[channels + c] = Math.sqrt(sq / plane);
  }
  return out;
}
