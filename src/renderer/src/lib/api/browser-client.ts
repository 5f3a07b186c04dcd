/**
 * `StudioApi` over the browser-mode bridge (`heirloom serve`): calls are
 * `POST /api/call/<channel>` with the bearer token, events arrive by
 * Server-Sent Events, imports upload each file and then commit the batch.
 * It also watches the link (`connection:changed`): the event stream or a call
 * failing means the server is gone, and it is probed each second until it
 * answers; one that answers but refuses the token is a restarted server.
 */
import {
  apiNames,
  type Envelope,
  type EventName,
  type InvokeApi,
  type StudioApi,
  type StudioEvents
} from '../../../../shared/contract.ts';
import type { ConnectionState, ImportReport, MediaKind } from '../../../../shared/types.ts';
import { decodeWire, encodeWire } from '../../../../shared/wire.ts';
import { relativePathOf, uniquePath } from './relative-paths.ts';

/** An Error that keeps the service's error kind. */
export class ApiError extends Error {
  constructor(
    readonly kind: string,
    message: string
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

const UPLOAD_CONCURRENCY = 3;
const PROBE_MS = 1000;

export function createBrowserClient(token: string): StudioApi {
  const auth = { Authorization: `Bearer ${token}` };

  async function post(path: string, body: BodyInit, type: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(path, { method: 'POST', headers: { ...auth, 'Content-Type': type }, body });
    } catch (err) {
      lost();
      throw new ApiError(
        'io',
        `the studio server did not answer (${(err as Error).message}); is \`heirloom serve\` still running?`
      );
    }
    if (res.status === 401) setConnection('restarted');
    let envelope: Envelope;
    try {
      envelope = decodeWire(await res.text()) as Envelope;
    } catch {
      throw new ApiError('internal', `unexpected reply from the server (HTTP ${res.status})`);
    }
    if (envelope.ok) return envelope.value;
    throw new ApiError(envelope.error.kind, envelope.error.message);
  }

  const call = (channel: string, args: unknown[]): Promise<unknown> =>
    post(`/api/call/${encodeURIComponent(channel)}`, encodeWire(args), 'application/json');

  const invokeApi = Object.fromEntries(
    Object.entries(apiNames).map(([name, channel]) => [name, (...args: unknown[]) => call(channel, args)])
  ) as unknown as InvokeApi;

  // One EventSource for the page; listeners register per event name.
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const dispatch = (event: string, payload: unknown): void => listeners.get(event)?.forEach((l) => l(payload));

  let connection: ConnectionState = 'connected';
  let probing: ReturnType<typeof setTimeout> | null = null;
  function setConnection(state: ConnectionState): void {
    // A restarted server stays so: this page's token is dead.
    if (state === connection || connection === 'restarted') return;
    connection = state;
    dispatch('connection:changed', { state });
  }
  /** The server stopped answering: say so, and probe until it answers again (or turns out to be a new one). */
  function lost(): void {
    if (connection === 'restarted') return;
    setConnection('reconnecting');
    probing ??= setTimeout(probe, PROBE_MS);
  }
  async function probe(): Promise<void> {
    if (probing) clearTimeout(probing);
    probing = null;
    let status: number;
    try {
      status = (
        await fetch('/api/call/library%3Astats', {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: '[]'
        })
      ).status;
    } catch {
      probing = setTimeout(probe, PROBE_MS);
      return;
    }
    if (status === 401) return setConnection('restarted');
    // Back: a fresh event stream (the old one may have given up), then tell the app to catch up on what it missed.
    source?.close();
    source = null;
    if (listeners.size > 0) ensureSource();
    setConnection('connected');
  }

  function ensureSource(): void {
    if (source) return;
    const s = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source = s;
    s.onmessage = (m) => {
      const { event, payload } = decodeWire(m.data as string) as { event: string; payload: unknown };
      dispatch(event, payload);
    };
    s.onopen = () => {
      if (connection === 'reconnecting') void probe();
    };
    // EventSource retries by itself while the server is down, but gives up for good on a refused reconnect.
    s.onerror = () => {
      if (source === s) lost();
    };
  }

  async function importFiles(files: File[], options?: { albumId?: number }): Promise<ImportReport> {
    const batch = crypto.randomUUID().replaceAll('-', '');
    const importId = `upload-${batch}`;
    let done = 0;
    const used = new Set<string>();
    const queue = files.map((file, i) => ({ file, path: uniquePath(relativePathOf(file, i), used) }));
    dispatch('import:progress', { importId, done, total: files.length, current: null });
    async function worker(): Promise<void> {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const q = new URLSearchParams({ batch, path: item.path });
        await post(`/api/upload?${q}`, item.file, 'application/octet-stream');
        done++;
        dispatch('import:progress', { importId, done, total: files.length, current: item.path });
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, files.length) }, worker));
    } catch (err) {
      await post('/api/upload/commit', JSON.stringify({ batch, abort: true }), 'application/json').catch(
        () => undefined
      );
      throw err;
    }
    const commit = options?.albumId === undefined ? { batch } : { batch, albumId: options.albumId };
    return (await post('/api/upload/commit', JSON.stringify(commit), 'application/json')) as ImportReport;
  }

  return {
    ...invokeApi,
    transport: 'browser',
    importFiles,
    mediaUrl(kind: MediaKind, key: string): string {
      return `/media/${kind}/${encodeURIComponent(key)}?token=${encodeURIComponent(token)}`;
    },
    on<E extends EventName>(event: E, listener: (payload: StudioEvents[E]) => void): () => void {
      ensureSource();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    }
  };
}
