/** The IPC handler body (shared by every channel): sender check, validation, envelopes that keep the error kind. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invokeHandler, type IpcDeps } from '../../src/main/ipc/envelope.ts';
import { channels, type ChannelName } from '../../src/shared/contract.ts';
import { StudioError } from '../../src/shared/errors.ts';

type Ev = { trusted: boolean };
const calls: unknown[][] = [];

const deps: IpcDeps<Ev> = {
  isTrustedSender: (e) => e.trusted,
  validateArgs(channel, args) {
    const r = channels[channel].args.safeParse(args);
    if (!r.success) throw new StudioError('invalid-input', `bad arguments for ${channel}`);
    return r.data as unknown[];
  },
  handlers: {
    'albums:create': async (name: string) => {
      calls.push([name]);
      return { id: 1, name };
    },
    'albums:delete': async () => undefined,
    'library:get': async (id: number) => {
      throw new StudioError('not-found', `no photo ${id}`);
    },
    'tags:list': async () => {
      throw new TypeError('boom');
    }
  } as unknown as IpcDeps<Ev>['handlers']
};

const h = (c: ChannelName) => invokeHandler(deps, c);

test('a trusted, valid call answers ok with the value (void becomes null)', async () => {
  assert.deepEqual(await h('albums:create')({ trusted: true }, '  Summer  '), {
    ok: true,
    value: { id: 1, name: 'Summer' }
  });
  assert.deepEqual(calls.at(-1), ['Summer'], 'the handler gets the parsed (trimmed) argument');
  assert.deepEqual(await h('albums:delete')({ trusted: true }, 3), { ok: true, value: null });
});

test('an untrusted sender is refused before anything runs', async () => {
  const before = calls.length;
  const r = await h('albums:create')({ trusted: false }, 'x');
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.kind, 'invalid-input');
  assert.equal(calls.length, before);
});

test('invalid arguments are invalid-input and never reach the handler', async () => {
  const before = calls.length;
  for (const args of [[], [''], [42], ['a', 'b']]) {
    const r = await h('albums:create')({ trusted: true }, ...args);
    assert.equal(!r.ok && r.error.kind, 'invalid-input', JSON.stringify(args));
  }
  assert.equal(calls.length, before);
});

test('service errors keep their kind; unknown errors become internal', async () => {
  assert.deepEqual(await h('library:get')({ trusted: true }, 7), {
    ok: false,
    error: { name: 'StudioError', kind: 'not-found', message: 'no photo 7' }
  });
  assert.deepEqual(await h('tags:list')({ trusted: true }), {
    ok: false,
    error: { name: 'StudioError', kind: 'internal', message: 'boom' }
  });
  const missing = await h('albums:list')({ trusted: true });
  assert.equal(!missing.ok && missing.error.kind, 'not-found');
});
