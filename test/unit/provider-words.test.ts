/** What Settings and the CLI say when an execution provider cannot start: plain words, no shell commands. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainFailure } from '../../src/main/pipeline/providers.ts';

test('a missing CUDA add-on is explained without a command to paste', () => {
  const said = explainFailure(
    'cuda',
    new Error(
      'Failed to load shared library libonnxruntime_providers_cuda.so: libcudart.so.12: cannot open shared object file'
    )
  );
  assert.match(said, /^CUDA provider not installed: NVIDIA GPU support needs the NVIDIA driver, CUDA 12, cuDNN 9/);
  assert.match(said, /see "GPU acceleration" in the README/);
  assert.doesNotMatch(said, /`|node_modules|install\.js|--onnxruntime/);
});
