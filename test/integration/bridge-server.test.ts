/**
 * The bridge over real HTTP on loopback: token, Host and method checks,
 * argument validation through the contract's schemas, error kinds in the
 * envelope, uploads with folders, media lookups, events and security headers.
 * The services behind it are a small stand-in: what is tested is the transport.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startBridge } from '../../src/main/bridge/server.ts';
import type { Bridge, BridgeServices } from '../../src/main/bridge/types.ts';
import { channels, type ChannelName } from '../../src/shared/contract.ts';
import { StudioError } from '../../src/shared/errors.ts';
import type { ImportReport } from '../../src/shared/types.ts';
import { encodeWire } from '../../src/shared/wire.ts';

let dir: string;
let bridge: Bridge;
let base: string;
const seenImports: { paths: string[]; contents: string[]; albumId?: number }[] = [];
/** Mask re-runs being handled at once, and the most seen. */
const masks = { now: 0, most: 0 };

function standIn(mediaDir: string): BridgeServices {
  return {
    validateArgs(channel, args) {
      const parsed = channels[channel as ChannelName].args.safeParse(args);
      if (!parsed.success) throw new StudioError('invalid-input', parsed.error.issues.map((i) => i.message).join('; '));
      return parsed.data as unknown[];
    },
    handlers: {
      'library:stats': async () => ({ photos: 0, albums: 0, tags: 0, bytes: 0 }),
      'albums:create': async (name: string) => ({ id: 1, name, photoCount: 0, coverPhotoId: null, createdAt: 'now' }),
      'library:get': async (id: number) => {
        throw new StudioError('not-found', `no photo ${id}`);
      },
      'restore:rerunMapping': async (req: { versionId: number; maskPng: Uint8Array }) => {
        masks.most = Math.max(masks.most, ++masks.now);
        await new Promise((r) => setTimeout(r, 30));
        masks.now--;
        return { bytes: req.maskPng.length, first: req.maskPng[0] };
      },
      'import:paths': async (req: { paths: string[]; albumId?: number }): Promise<ImportReport> => {
        const contents = await Promise.all(req.paths.map((p) => readFile(p, 'utf8')));
        seenImports.push({ ...req, contents });
        return {
          imported: req.paths.length,
          duplicates: 0,
          failed: 0,
          outcomes: req.paths.map((path, i) => ({ path, status: 'imported', photoId: i + 1 }))
        };
      }
    } as unknown as BridgeServices['handlers'],
    readMedia(kind, key) {
      if (kind === 'thumb' && key === 'a'.repeat(64)) return { path: join(mediaDir, 'thumb.webp'), mime: 'image/webp' };
      throw new StudioError('not-found', 'no such media');
    }
  };
}

/** A bridge over the stand-in services and a new library folder `library` in the test's folder. */
async function bridgeOver(library: string, limits: Partial<Parameters<typeof startBridge>[0]> = {}) {
  await mkdir(join(dir, library));
  return startBridge({
    services: standIn(join(dir, 'media')),
    libraryDir: join(dir, library),
    rendererDir: join(dir, 'renderer'),
    ...limits
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heirloom-bridge-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await mkdir(join(dir, 'media'));
  await writeFile(join(dir, 'media', 'thumb.webp'), 'WEBPDATA');
  bridge = await bridgeOver('library');
  base = `http://127.0.0.1:${bridge.port}`;
});

after(async () => {
  await bridge.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = (): Record<string, string> => ({ Authorization: `Bearer ${bridge.token}` });

async function call(channel: string, args: unknown, headers: Record<string, string> = auth()): Promise<Response> {
  return fetch(`${base}/api/call/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: encodeWire(args)
  });
}

test('prints a loopback URL with the token', () => {
  assert.match(bridge.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
});

test('every route with data answers 401 without the token', async () => {
  for (const path of ['/api/events', `/media/thumb/${'a'.repeat(64)}`, `/media/thumb/${'a'.repeat(64)}?token=wrong`]) {
    const res = await fetch(base + path);
    assert.equal(res.status, 401, path);
    assert.equal(((await res.json()) as { error: { kind: string } }).error.kind, 'invalid-input');
  }
  assert.equal((await call('library:stats', [], {})).status, 401);
  assert.equal((await call('library:stats', [], { Authorization: 'Bearer wrong' })).status, 401);
});

test('API calls need the bearer header; the query token alone is not enough', async () => {
  const res = await fetch(`${base}/api/call/library:stats?token=${bridge.token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '[]'
  });
  assert.equal(res.status, 401);
});

test('a foreign Host header is refused (DNS rebinding)', async () => {
  const status = await new Promise<number>((ok, fail) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: bridge.port,
        path: `/?token=${bridge.token}`,
        headers: { Host: `attacker.example:${bridge.port}` }
      },
      (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      }
    );
    r.on('error', fail);
    r.end();
  });
  assert.equal(status, 421);
});

test('non-loopback hosts are refused at start', async () => {
  await assert.rejects(
    startBridge({
      services: standIn(dir),
      libraryDir: join(dir, 'library'),
      rendererDir: join(dir, 'renderer'),
      host: '0.0.0.0'
    }),
    /only binds to 127\.0\.0\.1/
  );
});

test('a missing renderer build is a clear error', async () => {
  await assert.rejects(
    startBridge({ services: standIn(dir), libraryDir: join(dir, 'library'), rendererDir: join(dir, 'nowhere') }),
    /npm run build/
  );
});

test('the page and its scripts need no token and set no cookie; the security headers are on', async () => {
  for (const path of ['/', '/assets/app.js', `/?token=${bridge.token}`]) {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('set-cookie'), null, path);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  }
  assert.match((await fetch(`${base}/assets/app.js`)).headers.get('content-type') ?? '', /text\/javascript/);
  // A cookie is never a key, whatever it is called.
  const withCookie = await fetch(`${base}/api/events`, {
    headers: { Cookie: `heirloom_token_${bridge.port}=${bridge.token}` }
  });
  assert.equal(withCookie.status, 401);
});

test('valid calls answer { ok, value }; errors keep their kind', async () => {
  const ok = await call('albums:create', ['Summer 1962']);
  assert.deepEqual(((await ok.json()) as { ok: boolean; value: { name: string } }).value.name, 'Summer 1962');
  const missing = await call('library:get', [42]);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), {
    ok: false,
    error: { name: 'StudioError', kind: 'not-found', message: 'no photo 42' }
  });
});

test('invalid payloads are invalid-input', async () => {
  for (const args of [['   '], [], [123], 'not an array', [{ extra: true }]]) {
    const res = await call('albums:create', args);
    assert.equal(res.status, 400, JSON.stringify(args));
    assert.equal(((await res.json()) as { error: { kind: string } }).error.kind, 'invalid-input');
  }
  const notJson = await fetch(`${base}/api/call/albums:create`, {
    method: 'POST',
    headers: { ...auth(), 'Content-Type': 'application/json' },
    body: '{'
  });
  assert.equal(((await notJson.json()) as { error: { kind: string } }).error.kind, 'invalid-input');
  const wrongType = await fetch(`${base}/api/call/albums:create`, {
    method: 'POST',
    headers: { ...auth(), 'Content-Type': 'text/plain' },
    body: '["x"]'
  });
  assert.equal(
    ((await wrongType.json()) as { error: { message: string } }).error.message,
    'expected Content-Type application/json, got "text/plain"'
  );
  const unknown = await call('library:drop-tables', []);
  assert.equal(unknown.status, 404);
  const proto = await call('__proto__', []);
  assert.equal(proto.status, 404);
});

test('binary arguments cross as bytes', async () => {
  const res = await call('restore:rerunMapping', [{ versionId: 3, maskPng: new Uint8Array([137, 80, 78, 71]) }]);
  assert.deepEqual(((await res.json()) as { value: unknown }).value, { bytes: 4, first: 137 });
});

test('methods a route does not take are refused with Allow (no CORS preflight)', async () => {
  const res = await fetch(`${base}/api/call/library:stats`, {
    method: 'OPTIONS',
    headers: { Origin: 'http://evil.example', ...auth() }
  });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  assert.equal(res.headers.get('allow'), 'POST');
  for (const [method, path, allow] of [
    ['GET', '/api/call/library:stats', 'POST'],
    ['GET', '/api/upload/commit', 'POST'],
    ['POST', '/api/events', 'GET, HEAD'],
    ['POST', `/media/thumb/${'a'.repeat(64)}`, 'GET, HEAD'],
    ['DELETE', '/', 'GET, HEAD']
  ]) {
    const r = await fetch(base + path, { method, headers: auth() });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
  }
});

test('broken %-escapes and commit bodies that are not an object are 400 with a plain message', async () => {
  const expectPlain400 = async (res: Response, message: RegExp, what: string) => {
    assert.equal(res.status, 400, what);
    const body = (await res.json()) as { error: { kind: string; message: string } };
    assert.equal(body.error.kind, 'invalid-input', what);
    assert.match(body.error.message, message, what);
  };
  await expectPlain400(await fetch(`${base}/media/thumb/%E0%A4%A?token=${bridge.token}`), /broken %-escape/, 'media');
  await expectPlain400(await call('library%E0%A4%A', []), /broken %-escape/, 'call');
  for (const body of ['{', 'null', '[1]', '"batch"']) {
    const res = await fetch(`${base}/api/upload/commit`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body
    });
    await expectPlain400(res, body === '{' ? /not valid JSON/ : /must be an object/, body);
  }
});

test('HEAD /api/events answers the headers and ends', async () => {
  const res = await Promise.race([
    fetch(`${base}/api/events?token=${bridge.token}`, { method: 'HEAD' }),
    new Promise<never>((_, fail) => setTimeout(() => fail(new Error('HEAD /api/events did not finish')), 3000))
  ]);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
});

test('media is served by key; traversal and unknown kinds are refused', async () => {
  const ok = await fetch(`${base}/media/thumb/${'a'.repeat(64)}?token=${bridge.token}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'image/webp');
  assert.equal(await ok.text(), 'WEBPDATA');
  for (const key of ['..%2F..%2Fetc%2Fpasswd', '..', '%2e%2e', 'a%00b', 'x%5c..%5cy']) {
    const res = await fetch(`${base}/media/thumb/${key}?token=${bridge.token}`);
    assert.ok(res.status === 400 || res.status === 404, `${key}: ${res.status}`);
  }
  const deep = await fetch(`${base}/media/thumb/../../../etc/passwd?token=${bridge.token}`);
  assert.notEqual(deep.status, 200);
  const kind = await fetch(`${base}/media/secrets/${'a'.repeat(64)}?token=${bridge.token}`);
  assert.equal(kind.status, 404);
});

test('uploads keep folders, import on commit and leave no copies behind', async () => {
  const batch = 'batch0001';
  for (const [path, body] of [
    ['Trip/day 1/a.jpg', 'AAA'],
    ['b.png', 'BBBB']
  ]) {
    const res = await fetch(`${base}/api/upload?batch=${batch}&path=${encodeURIComponent(path)}`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/octet-stream' },
      body
    });
    assert.equal(res.status, 200, await res.clone().text());
  }
  const bad = await fetch(`${base}/api/upload?batch=${batch}&path=${encodeURIComponent('../evil.jpg')}`, {
    method: 'POST',
    headers: { ...auth(), 'Content-Type': 'application/octet-stream' },
    body: 'x'
  });
  assert.equal(bad.status, 400);
  const commit = await fetch(`${base}/api/upload/commit`, {
    method: 'POST',
    headers: { ...auth(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ batch, albumId: 7 })
  });
  const report = ((await commit.json()) as { value: ImportReport }).value;
  assert.deepEqual(
    report.outcomes.map((o) => o.path),
    ['Trip/day 1/a.jpg', 'b.png']
  );
  const seen = seenImports.at(-1)!;
  assert.deepEqual(seen.contents, ['AAA', 'BBBB']);
  assert.equal(seen.albumId, 7);
  assert.deepEqual(await readdir(join(dir, 'library', '.uploads')).catch(() => []), []);
});

test('events reach the page through Server-Sent Events', async () => {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/events?token=${bridge.token}`, { signal: controller.signal });
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = res.body!.getReader();
  setTimeout(() => bridge.emit('library:changed', { scope: 'albums' }), 50);
  let text = '';
  while (!text.includes('library:changed')) text += new TextDecoder().decode((await reader.read()).value);
  assert.match(text, /data: \{"event":"library:changed","payload":\{"scope":"albums"\}\}/);
  controller.abort();
});

test('each channel has the body limit its payload needs; large mask calls are taken one at a time', async () => {
  const big = JSON.stringify(['x'.repeat(5 * 1024 * 1024)]);
  const refused = await fetch(`${base}/api/call/albums:create`, {
    method: 'POST',
    headers: { ...auth(), 'Content-Type': 'application/json' },
    body: big
  });
  assert.equal(refused.status, 413);
  assert.match(((await refused.json()) as { error: { message: string } }).error.message, /over the 4194304-byte limit/);
  const mask = new Uint8Array(5 * 1024 * 1024).fill(7);
  masks.most = 0;
  const answers = await Promise.all(
    Array.from({ length: 3 }, () => call('restore:rerunMapping', [{ versionId: 3, maskPng: mask }]))
  );
  for (const a of answers)
    assert.deepEqual(((await a.json()) as { value: unknown }).value, { bytes: mask.length, first: 7 });
  assert.equal(masks.most, 1, 'one large call at a time');
});

test('an upload batch that is never committed is deleted after its time to live', async () => {
  const libraryDir = join(dir, 'library-ttl');
  const short = await bridgeOver('library-ttl', { uploadTtlMs: 200 });
  try {
    const res = await fetch(`http://127.0.0.1:${short.port}/api/upload?batch=abandoned1&path=a.jpg`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${short.token}`, 'Content-Type': 'application/octet-stream' },
      body: 'AAA'
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await readdir(join(libraryDir, '.uploads')), ['abandoned1']);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(await readdir(join(libraryDir, '.uploads')), []);
    const commit = await fetch(`http://127.0.0.1:${short.port}/api/upload/commit`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${short.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batch: 'abandoned1' })
    });
    assert.equal(((await commit.json()) as { value: ImportReport }).value.imported, 0, 'nothing is left to import');
  } finally {
    await short.close();
  }
});

/** A raw connection to `port`: what it has received so far, and when (ms after opening) the server closed it. */
function rawConnection(port: number): { socket: Socket; received: () => string; closed: Promise<number> } {
  const socket = connect(port, '127.0.0.1');
  const opened = Date.now();
  let text = '';
  socket.on('data', (d) => (text += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<number>((ok) => socket.once('close', () => ok(Date.now() - opened)));
  return { socket, received: () => text, closed };
}

/** Resolves with the close time, or rejects when the server still holds the connection after `ms`. */
function closesWithin(closed: Promise<number>, ms: number, what: string): Promise<number> {
  return Promise.race([
    closed,
    new Promise<number>((_, fail) =>
      setTimeout(() => fail(new Error(`${what}: the connection was still open after ${ms} ms`)), ms)
    )
  ]);
}

test('an unauthenticated request trickling a huge body gets its 401 and loses the connection at once', async () => {
  const c = rawConnection(bridge.port);
  c.socket.write(
    `POST /api/call/library:stats HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n[`
  );
  const trickle = setInterval(() => c.socket.writable && c.socket.write(' '), 20);
  try {
    await closesWithin(c.closed, 3000, 'unauthenticated');
  } finally {
    clearInterval(trickle);
    c.socket.destroy();
  }
  assert.match(c.received(), /^HTTP\/1\.1 401/);
  assert.match(c.received(), /connection: close/i);
});

test('a request body that does not arrive in time gets 408; an upload may take longer while data flows', async () => {
  const slow = await bridgeOver('library-slow', { bodyTimeoutMs: 300, uploadIdleMs: 300 });
  try {
    const c = rawConnection(slow.port);
    c.socket.write(
      `POST /api/call/albums:create HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nAuthorization: Bearer ${slow.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n["Sum`
    );
    await closesWithin(c.closed, 3000, 'stalled call body');
    assert.match(c.received(), /^HTTP\/1\.1 408/);
    assert.match(c.received(), /did not arrive within 0\.3 s/);

    // 10 chunks 100 ms apart: a second in all, three times the body timeout, never silent for the idle timeout.
    const u = rawConnection(slow.port);
    u.socket.write(
      `POST /api/upload?batch=slowbatch1&path=a.jpg HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nAuthorization: Bearer ${slow.token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 10\r\nConnection: close\r\n\r\n`
    );
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      u.socket.write('A');
    }
    await closesWithin(u.closed, 3000, 'upload');
    assert.match(u.received(), /^HTTP\/1\.1 200/);

    // An upload that stops sending is cut off after the idle timeout.
    const idle = rawConnection(slow.port);
    idle.socket.write(
      `POST /api/upload?batch=slowbatch2&path=a.jpg HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nAuthorization: Bearer ${slow.token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 10\r\n\r\nAB`
    );
    await closesWithin(idle.closed, 3000, 'silent upload');
  } finally {
    await slow.close();
  }
});
