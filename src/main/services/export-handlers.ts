/**
 * Handlers of export (`export:*`): `export:album` runs one export and streams
 * `export:progress` events; `export:cancel` aborts one by id; `export:preview`
 * says which version of each photo it would write; `export:chooseDestination`
 * asks the desktop's dialog where to. The folders exported
 * into are remembered in the library's settings, so that at the next start
 * the staging folders a crash left in them are removed.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { HandlersOf } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import { exportAlbum } from '../export/export-album.ts';
import { sweepStalePartials } from '../export/partials.ts';
import { exportPreview } from '../library/queries/export-preview.ts';
import { getSetting, setSetting } from '../library/queries/settings.ts';
import type { HandlerDeps } from './deps.ts';

const FOLDERS_KEY = 'export:folders';
const REMEMBERED = 20;

function exportFolders(db: Database.Database): string[] {
  const saved = getSetting(db, FOLDERS_KEY);
  return Array.isArray(saved) ? saved.filter((f): f is string => typeof f === 'string') : [];
}

export interface ExportHandlerDeps extends HandlerDeps {
  /** Desktop only: the system dialog for an export's destination (browser mode types the path). */
  chooseExportPath?(kind: 'folder' | 'zip', suggestedName: string): Promise<string | null>;
}

export type ExportHandlers = HandlersOf<
  'export:album' | 'export:cancel' | 'export:preview' | 'export:chooseDestination'
>;

/**
 * `handlers` go into the services' channel map; call `close()` from the services' close (aborts running exports).
 * `swept` settles once the remembered folders' stale staging folders are removed (in the background: a slow
 * network folder must not hold up the start).
 */
export function createExportHandlers(deps: ExportHandlerDeps): {
  handlers: ExportHandlers;
  swept: Promise<number>;
  close(): void;
} {
  const running = new Map<string, AbortController>();
  const swept = Promise.all(exportFolders(deps.db).map((f) => sweepStalePartials(f))).then((n) =>
    n.reduce((a, b) => a + b, 0)
  );
  const handlers: ExportHandlers = {
    async 'export:album'(request) {
      const exportId = request.exportId ?? randomUUID();
      if (running.has(exportId)) throw new StudioError('conflict', `export ${exportId} is already running`);
      const controller = new AbortController();
      running.set(exportId, controller);
      const parent = dirname(request.destination.path.replace(/[/\\]+$/, ''));
      try {
        setSetting(
          deps.db,
          FOLDERS_KEY,
          [parent, ...exportFolders(deps.db).filter((f) => f !== parent)].slice(0, REMEMBERED)
        );
      } catch (err) {
        console.error(`[export] could not remember ${parent}: ${(err as Error).message}`);
      }
      try {
        return await exportAlbum(
          deps.db,
          deps.libraryDir,
          { ...request, exportId },
          (p) => deps.emit('export:progress', p),
          controller.signal
        );
      } finally {
        running.delete(exportId);
      }
    },
    async 'export:cancel'(exportId) {
      const controller = running.get(exportId);
      controller?.abort();
      return controller !== undefined;
    },
    async 'export:preview'(target) {
      return exportPreview(deps.db, target);
    },
    async 'export:chooseDestination'(request) {
      if (!deps.chooseExportPath)
        throw new StudioError('invalid-input', 'there is no folder dialog in browser mode: type the destination path');
      return deps.chooseExportPath(request.kind, request.suggestedName);
    }
  };
  return {
    handlers,
    swept,
    // Each aborted export removes its own partial output.
    close: () => running.forEach((controller) => controller.abort())
  };
}
