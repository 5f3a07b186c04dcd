/**
 * Helpers for the tests that cross the training ↔ engine border: running
 * Debian's Python on `training.*` modules, and replaying the parity fixtures
 * that `training.export --parity` writes (a seeded input per stage and
 * PyTorch's output) through onnxruntime-node.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ort from 'onnxruntime-node';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PYTHON = '/usr/bin/python3';

/** Why the Python side cannot run here, or null when Debian's python3 has torch and onnx. */
export function pythonSkipReason(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch, onnx, scipy, PIL'], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    return `${PYTHON} lacks torch/onnx/scipy/Pillow (Debian: apt install python3-torch python3-onnx python3-scipy python3-pil)`;
  }
  return null;
}

/** A test of the training ↔ engine border: skipped, with the reason, where Debian's Python lacks what it needs. */
export function pythonTest(title: string, timeout: number, body: (t: TestContext) => Promise<void>): void {
  test(title, { timeout }, async (t) => {
    const skip = pythonSkipReason();
    if (skip) return t.skip(skip);
    await body(t);
  });
}

/** Runs `python3 -m <module> …` in the repository root with one torch thread; rejects with its output on failure. */
export async function pythonModule(
  module: string,
  args: string[],
  timeout = 300_000
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await promisify(execFile)(PYTHON, ['-m', module, ...args], {
      cwd: ROOT,
      timeout,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONUNBUFFERED: '1' }
    });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `python3 -m ${module} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
      { cause: err }
    );
  }
}

interface TensorRef {
  file: string;
  shape: number[];
}
interface ParityStage {
  stage: string;
  file: string;
  inputs: Record<string, TensorRef>;
  outputs: Record<string, TensorRef>;
}
export interface ParityIndex {
  modelId: string;
  tolerance: number;
  sha256: Record<string, string>;
  stages: Record<string, ParityStage>;
}

/** Result of one stage: the largest absolute difference between onnxruntime and PyTorch per output. */
export interface ParityResult {
  stage: string;
  output: string;
  shape: number[];
  maxAbsDiff: number;
}

async function readTensor(dir: string, ref: TensorRef): Promise<Float32Array> {
  const buf = await readFile(join(dir, ref.file));
  const n = ref.shape.reduce((a, b) => a * b, 1);
  if (buf.byteLength !== n * 4)
    throw new Error(`${ref.file}: ${buf.byteLength} bytes, expected ${n * 4} for shape [${ref.shape}]`);
  // copy: a Buffer's offset into Node's pool need not be 4-byte aligned
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** Runs every stage of `parityDir/index.json` with the ONNX files of `modelDir` on the CPU provider. */
export async function checkParity(
  modelDir: string,
  parityDir: string
): Promise<{ index: ParityIndex; results: ParityResult[] }> {
  const index = JSON.parse(await readFile(join(parityDir, 'index.json'), 'utf8')) as ParityIndex;
  const results: ParityResult[] = [];
  for (const [stage, spec] of Object.entries(index.stages)) {
    const session = await ort.InferenceSession.create(join(modelDir, spec.file), {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1
    });
    try {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, ref] of Object.entries(spec.inputs))
        feeds[name] = new ort.Tensor('float32', await readTensor(parityDir, ref), ref.shape);
      const got = await session.run(feeds);
      for (const [name, ref] of Object.entries(spec.outputs)) {
        const want = await readTensor(parityDir, ref);
        const out = got[name];
        if (!out)
          throw new Error(`${stage}: onnxruntime returned no output "${name}" (it has ${Object.keys(got).join(', ')})`);
        if (out.dims.join(',') !== ref.shape.join(','))
          throw new Error(`${stage}.${name}: shape [${out.dims}] from onnxruntime, [${ref.shape}] from PyTorch`);
        const data = out.data as Float32Array;
        let max = 0;
        for (let i = 0; i < want.length; i++) {
          const d = Math.abs(data[i]! - want[i]!);
          if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
        }
        results.push({ stage, output: name, shape: ref.shape, maxAbsDiff: max });
      }
    } finally {
      await session.release();
    }
  }
  return { index, results };
}
