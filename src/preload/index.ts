/**
 * The only bridge between the sandboxed renderer and main: `window.studio`,
 * one named function per contract channel (never raw ipcRenderer), plus
 * file import from dropped/picked File objects, media URLs and event
 * subscription. Built as CommonJS because sandboxed preloads cannot be ESM.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  apiNames,
  type Envelope,
  type EventName,
  type InvokeApi,
  type StudioApi,
  type StudioEvents
} from '../shared/contract.ts';
import type { ImportReport, MediaKind } from '../shared/types.ts';

/** Rebuilds a real Error in the page so `instanceof Error` and `.kind` both work. */
function unwrap(envelope: Envelope): unknown {
  if (envelope.ok) return envelope.value;
  const err = new Error(envelope.error.message) as Error & { kind: string };
  err.name = 'StudioError';
  err.kind = envelope.error.kind;
  throw err;
}

function invoker(channel: string) {
  return async (...args: unknown[]): Promise<unknown> =>
    unwrap((await ipcRenderer.invoke(channel, ...args)) as Envelope);
}

const invokeApi = Object.fromEntries(
  Object.entries(apiNames).map(([name, channel]) => [name, invoker(channel)])
) as unknown as InvokeApi;

const api = {
  ...invokeApi,
  transport: 'electron' as const,
  async importFiles(files: File[], options?: { albumId?: number }): Promise<ImportReport> {
    // Electron gives dropped files (and folders) their real paths; the import service recurses into folders.
    const paths = files.map((f) => webUtils.getPathForFile(f)).filter((p) => p.length > 0);
    if (paths.length === 0) return { imported: 0, duplicates: 0, failed: 0, outcomes: [] };
    return invokeApi.importPaths(options?.albumId === undefined ? { paths } : { paths, albumId: options.albumId });
  },
  mediaUrl(kind: MediaKind, key: string): string {
    return `heirloom-media://${kind}/${encodeURIComponent(key)}`;
  },
  on<E extends EventName>(event: E, listener: (payload: StudioEvents[E]) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload as StudioEvents[E]);
    };
    ipcRenderer.on('studio:event', wrapped);
    return () => ipcRenderer.removeListener('studio:event', wrapped);
  }
} satisfies StudioApi;

contextBridge.exposeInMainWorld('studio', api);
