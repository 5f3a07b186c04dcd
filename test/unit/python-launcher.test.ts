import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidates, fromEnv, resolvePython } from '../../scripts/python.ts';

/** A probe that passes for the listed commands and says why the others fail. */
const probeFor =
  (ok: string[], why = 'no torch') =>
  (c: string[]) =>
    ok.includes(c.join(' ')) ? null : why;

test("each platform tries its usual interpreters, Debian's own first on Linux", () => {
  assert.deepEqual(candidates('linux')[0], ['/usr/bin/python3']);
  assert.deepEqual(candidates('win32')[0], ['py', '-3']);
  assert.deepEqual(
    candidates('darwin').map((c) => c.join(' ')),
    ['python3', 'python']
  );
});

test('the first interpreter that imports torch is chosen', () => {
  assert.deepEqual(resolvePython({ env: {}, platform: 'linux', probe: probeFor(['python3', 'python']) }), ['python3']);
  assert.deepEqual(resolvePython({ env: {}, platform: 'win32', probe: probeFor(['python']) }), ['python']);
});

test('HEIRLOOM_PYTHON wins, and a failing one is named rather than passed over', () => {
  const probe = probeFor(['/opt/py 3/bin/python', 'conda run -n torch python']);
  const exists = (p: string) => p === '/opt/py 3/bin/python';
  assert.deepEqual(
    resolvePython({ env: { HEIRLOOM_PYTHON: '/opt/py 3/bin/python' }, platform: 'linux', probe, exists }),
    ['/opt/py 3/bin/python']
  );
  assert.deepEqual(
    resolvePython({ env: { HEIRLOOM_PYTHON: 'conda run -n torch python' }, platform: 'linux', probe, exists }),
    ['conda', 'run', '-n', 'torch', 'python']
  );
  const err = resolvePython({
    env: { HEIRLOOM_PYTHON: 'python3.9' },
    platform: 'linux',
    probe: probeFor(['/usr/bin/python3']),
    exists
  });
  assert.ok(err instanceof Error);
  assert.match(err.message, /^HEIRLOOM_PYTHON=python3\.9: no torch$/);
});

test('with no usable interpreter the error lists what was tried and how to install', () => {
  const err = resolvePython({
    env: {},
    platform: 'linux',
    probe: (c) => (c[0] === 'python' ? 'not found' : 'no torch')
  });
  assert.ok(err instanceof Error);
  assert.match(err.message, /tried \/usr\/bin\/python3 \(no torch\), python3 \(no torch\), python \(not found\)/);
  assert.match(err.message, /apt-get install python3-torch/);
  const win = resolvePython({ env: {}, platform: 'win32', probe: () => 'not found' });
  assert.ok(win instanceof Error);
  assert.match(win.message, /py -3 \(not found\).*pip install.*HEIRLOOM_PYTHON/);
});

test('an empty HEIRLOOM_PYTHON counts as unset', () => {
  assert.equal(fromEnv('  '), null);
  assert.deepEqual(resolvePython({ env: { HEIRLOOM_PYTHON: '' }, platform: 'darwin', probe: probeFor(['python3']) }), [
    'python3'
  ]);
});
