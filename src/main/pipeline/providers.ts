/**
 * Execution-provider choice. `auto` walks the platform's candidates in order
 * of speed and keeps the first one that loads and passes a probe (a small tile
 * through the encoder that must come back finite and not blank); every
 * rejection is kept as a plain-words reason so the UI and `--ep` can say why
 * the engine runs where it runs.
 */
import { readdirSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { StudioError } from '../../shared/errors.ts';
import { PROVIDERS, type Provider, type ProviderRequest } from '../../shared/providers.ts';

const NAMES: Record<Provider, string> = {
  cpu: 'CPU',
  cuda: 'CUDA',
  dml: 'DirectML',
  webgpu: 'WebGPU',
  coreml: 'CoreML'
};

/** The provider the engine settled on and why, in plain words. */
export interface ProviderChoice {
  provider: Provider;
  label: string;
  reason: string;
  rejected: { provider: Provider; reason: string }[];
}

export function providerLabel(p: Provider): string {
  return NAMES[p];
}

/** Candidates for `auto`, fastest first, CPU always last. */
export function autoCandidates(platform: NodeJS.Platform = process.platform): Provider[] {
  const list: Provider[] = [];
  if (platform === 'linux' || platform === 'win32') list.push('cuda');
  if (platform === 'win32') list.push('dml');
  if (platform === 'darwin') list.push('coreml');
  list.push('webgpu', 'cpu');
  return list;
}

/**
 * Reasons to skip a candidate of `auto` without loading it. WebGPU on Linux
 * needs a GPU render node; without one Dawn only prints Vulkan errors to
 * stderr before failing, which a CLI user should not see.
 */
export function skipReason(
  p: Provider,
  platform: NodeJS.Platform = process.platform,
  devDri = '/dev/dri'
): string | null {
  if (p !== 'webgpu' || platform !== 'linux') return null;
  let nodes: string[] = [];
  try {
    nodes = readdirSync(devDri).filter((n) => n.startsWith('renderD'));
  } catch {
    // No /dev/dri at all: no GPU driver loaded.
  }
  return nodes.length === 0 ? `WebGPU: no GPU render device (${devDri}/renderD*) on this machine` : null;
}

export function parseProvider(value: string): ProviderRequest {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as ProviderRequest;
  throw new StudioError('invalid-input', `unknown execution provider "${value}" (use ${PROVIDERS.join(', ')})`);
}

/** Turns an onnxruntime load error into a sentence a person can act on. */
export function explainFailure(p: Provider, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const bundled = ort.listSupportedBackends?.().find((b) => b.name === p)?.bundled;
  if (p === 'cuda' && /shared library|providers_shared|libcudart|libcublas|cudnn/i.test(msg)) {
    // Shown in Settings to people who never opened a terminal: what is missing and
    // where to read more, no commands (the README has them).
    return 'CUDA provider not installed: NVIDIA GPU support needs the NVIDIA driver, CUDA 12, cuDNN 9 and the GPU add-on of the inference library, which this copy does not have (see "GPU acceleration" in the README)';
  }
  if (/backend not found|no available backend/i.test(msg) || bundled === false) {
    return `${NAMES[p]} provider is not part of this onnxruntime-node build on ${process.platform}`;
  }
  if (p === 'webgpu' && /adapter/i.test(msg)) return 'WebGPU: no GPU adapter available';
  return `${NAMES[p]} failed to start: ${msg.split('\n')[0]!.slice(0, 200)}`;
}

/** Checks a probe output: rejects NaN/Infinity and an output that is one constant value. */
export function probeVerdict(data: Float32Array): string | null {
  if (data.length === 0) return 'the probe returned an empty tensor';
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (!Number.isFinite(v)) return 'the probe returned NaN or infinite values';
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max - min < 1e-6) return 'the probe returned a blank (constant) output';
  return null;
}

/** A deterministic probe image: a diagonal gradient with a stripe, so a working network cannot return a constant. */
export function probeImage(size = 32): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        out[c * size * size + y * size + x] = ((x + y + c * 5) % size) / size - 0.5 + (x % 8 < 2 ? 0.3 : 0);
  return out;
}
