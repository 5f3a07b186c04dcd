/** Pure checks of the bridge's guards: hosts, tokens, upload paths, static paths and the wire codec. */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { assertLoopbackHost, authorised, hostAllowed, newToken, sameToken } from '../../src/main/bridge/auth.ts';
import { staticPath } from '../../src/main/bridge/static-files.ts';
import { batchDir, relativeReport, uploadTarget } from '../../src/main/bridge/uploads.ts';
import { StudioError } from '../../src/shared/errors.ts';
import { decodeWire, encodeWire } from '../../src/shared/wire.ts';
import { relativePathOf, uniquePath } from '../../src/renderer/src/lib/api/relative-paths.ts';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

test('only loopback hosts may be bound', () => {
  for (const ok of ['127.0.0.1', 'localhost', '::1']) assert.doesNotThrow(() => assertLoopbackHost(ok));
  for (const bad of ['0.0.0.0', '::', '192.168.1.4', 'example.com', ''])
    assert.throws(() => assertLoopbackHost(bad), /only binds to 127\.0\.0\.1/);
});

test('Host header must be loopback on our port (DNS rebinding)', () => {
  assert.equal(hostAllowed(req({ host: '127.0.0.1:5000' }), 5000), true);
  assert.equal(hostAllowed(req({ host: 'localhost:5000' }), 5000), true);
  assert.equal(hostAllowed(req({ host: '[::1]:5000' }), 5000), true);
  assert.equal(hostAllowed(req({ host: '127.0.0.1:5001' }), 5000), false);
  assert.equal(hostAllowed(req({ host: 'evil.example:5000' }), 5000), false);
  assert.equal(hostAllowed(req({}), 5000), false);
});

test('tokens are 32 random bytes and compared in full', () => {
  const a = newToken();
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, newToken());
  assert.equal(sameToken(a, a), true);
  assert.equal(sameToken(a.slice(0, -1), a), false);
  assert.equal(sameToken('', a), false);
  assert.equal(sameToken(null, a), false);
});

test('API posts need the header; media and events may use the query; no cookie counts', () => {
  const t = newToken();
  const url = new URL(`http://127.0.0.1:9/?token=${t}`);
  const bare = new URL('http://127.0.0.1:9/');
  assert.equal(authorised(req({ authorization: `Bearer ${t}` }), bare, t, 'header'), true);
  assert.equal(authorised(req({}), url, t, 'header'), false);
  assert.equal(authorised(req({}), url, t, 'any'), true);
  assert.equal(authorised(req({ cookie: `heirloom_token_9=${t}` }), bare, t, 'any'), false);
});

test('upload paths keep folders but never leave the batch', () => {
  const dir = resolve('/tmp/batch');
  assert.equal(uploadTarget(dir, 'Trip/day 1/a.jpg'), join(dir, 'Trip', 'day 1', 'a.jpg'));
  for (const bad of [
    '../a.jpg',
    'a/../../b.jpg',
    '/etc/passwd',
    'a//b.jpg',
    'a/./b.jpg',
    'a\\..\\b.jpg',
    'C:/x.jpg',
    'a\u0000.jpg',
    '',
    'x'.repeat(2000)
  ]) {
    assert.throws(
      () => uploadTarget(dir, bad),
      (e: unknown) => e instanceof StudioError && e.kind === 'invalid-input',
      bad
    );
  }
  assert.throws(() => batchDir('/lib', '../../etc'), /batch ids/);
  assert.throws(() => batchDir('/lib', 'short'), /batch ids/);
  assert.equal(batchDir('/lib', 'abcdefgh12'), join('/lib', '.uploads', 'abcdefgh12'));
});

test('import reports name the dropped paths, not the temp copies', () => {
  const dir = resolve('/tmp/batch');
  const report = relativeReport(
    {
      imported: 1,
      duplicates: 0,
      failed: 1,
      outcomes: [
        { path: join(dir, 'Trip', 'a.jpg'), status: 'imported', photoId: 1 },
        { path: join(dir, 'b.jpg'), status: 'failed', kind: 'corrupt-file', message: 'bad' }
      ]
    },
    dir
  );
  assert.deepEqual(
    report.outcomes.map((o) => o.path),
    ['Trip/a.jpg', 'b.jpg']
  );
  assert.ok(!report.outcomes.some((o) => o.path.includes(sep + '.uploads')));
});

test('static files stay inside the renderer folder', () => {
  const root = resolve('/srv/r');
  assert.equal(staticPath(root, '/'), join(root, 'index.html'));
  assert.equal(staticPath(root, '/assets/x.js'), join(root, 'assets', 'x.js'));
  assert.equal(staticPath(root, '/../secret'), null);
  assert.equal(staticPath(root, '/%2e%2e/secret'), null);
  assert.equal(staticPath(root, '/a%5c..%5c..%5cx'), null);
  assert.equal(staticPath(root, '/%E0%A4%A'), null);
});

test('the wire codec carries bytes through JSON', () => {
  const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
  const back = decodeWire(encodeWire([{ versionId: 3, maskPng: bytes }])) as [
    { versionId: number; maskPng: Uint8Array }
  ];
  assert.equal(back[0].versionId, 3);
  assert.ok(back[0].maskPng instanceof Uint8Array);
  assert.deepEqual([...back[0].maskPng], [...bytes]);
  assert.deepEqual(decodeWire(encodeWire({ a: [1, 'x', null], $bytes: 1 })), { a: [1, 'x', null], $bytes: 1 });
});

test('dropped files get clean, unique relative paths', () => {
  const file = (name: string): File => ({ name, webkitRelativePath: '' }) as unknown as File;
  assert.equal(relativePathOf(file('a.jpg'), 0), 'a.jpg');
  assert.equal(relativePathOf(file(''), 3), 'file-3');
  const used = new Set<string>();
  assert.equal(uniquePath('a.jpg', used), 'a.jpg');
  assert.equal(uniquePath('A.jpg', used), 'A (2).jpg');
  assert.equal(uniquePath('a.jpg', used), 'a (3).jpg');
  assert.equal(uniquePath('dir.x/noext', used), 'dir.x/noext');
  assert.equal(uniquePath('dir.x/noext', used), 'dir.x/noext (2)');
});
