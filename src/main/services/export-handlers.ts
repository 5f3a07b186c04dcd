/**
 * IPC/bridge handlers for album export: `export:album` runs one export and
 * streams `export:progress` events; `export:cancel` aborts one by id. Spread
 * into the services' handler map by `createServices`.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ChannelArgs, ChannelResult, EventName, StudioEvents } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import { exportAlbum } from '../export/export-album.ts';

/** What the export handlers need from the running services. */
export interface ExportHandlerDeps {
  db: Database.Database;
  libraryDir: string;
  emit<E extends EventName>(event: E, payload: StudioEvents[E]): void;
}

type ExportChannels = 'export:album' | 'export:cancel';

/** The handlers, keyed by channel. */
export type ExportHandlers = {
  [C in ExportChannels]: (...args: ChannelArgs<C>) => Promise<ChannelResult<C>>;
};

/** `handlers` go into the services' channel map; call `close()` from the services' close (aborts running exports). */
export function createExportHandlers(deps: ExportHandlerDeps): { handlers: ExportHandlers; close(): void } {
  const running = new Map<string, AbortController>();
  const handlers: ExportHandlers = {
    async 'export:album'(request) {
      const exportId = request.exportId ?? randomUUID();
      if (running.has(exportId)) throw new StudioError('conflict', `export ${exportId} is already running`);
      const controller = new AbortController();
      running.set(exportId, controller);
      try {
        return await exportAlbum(deps.db, deps.libraryDir, { ...request, exportId }, (p) => deps.emit('export:progress', p), controller.signal);
      } finally {
        running.delete(exportId);
      }
    },
    async 'export:cancel'(exportId) {
      const controller = running.get(exportId);
      controller?.abort();
      return controller !== undefined;
    }
  };
  return {
    handlers,
    // Each aborted export removes its own partial output.
    close: () => running.forEach((controller) => controller.abort())
  };
}
