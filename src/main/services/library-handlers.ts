/**
 * IPC/bridge handlers of the library: photos, tags, albums and import. Each
 * change is announced with `library:changed` so every open view refreshes.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import type { ChannelArgs, ChannelResult, EventName, StudioEvents } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import { photoMediaKey } from '../../shared/media-key.ts';
import { importPaths } from '../import/import-files.ts';
import { latentCacheBytes } from '../jobs/latent-caches.ts';
import * as albums from '../library/queries/albums.ts';
import * as photos from '../library/queries/photos.ts';
import * as tags from '../library/queries/tags.ts';
import { libraryPaths } from '../paths.ts';
import { removeRenditions } from './media.ts';
import { findPrint } from '../print-edges.ts';

export interface LibraryHandlerDeps {
  db: Database.Database;
  libraryDir: string;
  emit<E extends EventName>(event: E, payload: StudioEvents[E]): void;
  /** Native file/folder dialog (Electron); absent in browser mode and the CLI. */
  pickPaths?(kind: 'files' | 'folder'): Promise<string[] | null>;
  /** Desktop only: lets the user pick another library folder and restarts on it. */
  chooseLibraryDir?(): Promise<string | null>;
}

type LibraryChannels =
  | 'library:list'
  | 'library:get'
  | 'library:stats'
  | 'library:chooseLocation'
  | 'photos:update'
  | 'photos:remove'
  | 'photos:findPrint'
  | 'tags:list'
  | 'tags:set'
  | 'albums:list'
  | 'albums:create'
  | 'albums:rename'
  | 'albums:delete'
  | 'albums:add'
  | 'albums:remove'
  | 'albums:reorder'
  | 'import:paths'
  | 'import:pickAndImport';

export type LibraryHandlers = { [C in LibraryChannels]: (...args: ChannelArgs<C>) => Promise<ChannelResult<C>> };

/** Progress events at most every 100 ms and grid refreshes every 500 ms, however fast files go. */
function throttle(ms: number, fn: () => void): { poke(): void; flush(): void } {
  let last = 0;
  let timer: NodeJS.Timeout | null = null;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    last = Date.now();
    fn();
  };
  return {
    poke() {
      const wait = ms - (Date.now() - last);
      if (wait <= 0) fire();
      else timer ??= setTimeout(fire, wait);
    },
    flush: fire
  };
}

export function createLibraryHandlers(deps: LibraryHandlerDeps): LibraryHandlers {
  const { db, libraryDir, emit } = deps;
  const changed = (scope: 'photos' | 'albums' | 'tags'): void => emit('library:changed', { scope });
  // An album edit's result passes through once the change is announced (a failed edit throws before: no event).
  const albumsChanged = <T>(result: T): T => {
    changed('albums');
    return result;
  };

  async function runImport(paths: string[], albumId: number | undefined): Promise<ChannelResult<'import:paths'>> {
    const importId = randomUUID();
    let state = { done: 0, total: 0, current: null as string | null };
    const progress = throttle(100, () => emit('import:progress', { importId, ...state }));
    const refresh = throttle(500, () => changed('photos'));
    try {
      return await importPaths(db, libraryDir, paths, {
        albumId,
        onProgress: (done, total, current) => {
          state = { done, total, current };
          progress.poke();
        },
        onCommitted: () => refresh.poke()
      });
    } finally {
      progress.flush();
      refresh.flush();
      changed('albums');
      changed('tags');
    }
  }

  return {
    async 'library:list'(query) {
      return photos.listPhotos(db, query);
    },
    async 'library:get'(id) {
      return photos.getPhoto(db, id);
    },
    async 'library:stats'() {
      return { ...photos.libraryStats(db), cacheBytes: await latentCacheBytes(db, libraryDir), location: libraryDir, canChangeLocation: deps.chooseLibraryDir !== undefined };
    },
    async 'library:chooseLocation'() {
      if (!deps.chooseLibraryDir) throw new StudioError('invalid-input', 'the library folder is chosen when the server starts (heirloom serve --library DIR)');
      return deps.chooseLibraryDir();
    },
    async 'photos:update'(id, patch) {
      const detail = photos.updatePhoto(db, id, patch);
      // Renditions of an earlier turn or crop will not be asked for again: they would only fill the disk.
      if (patch.rotation !== undefined || patch.tilt !== undefined || patch.crop !== undefined) await removeRenditions(libraryDir, detail.sha256, photoMediaKey(detail));
      changed('photos');
      if (patch.currentVersionId !== undefined) emit('library:changed', { scope: 'versions' });
      return detail;
    },
    async 'photos:findPrint'(id) {
      const row = photos.getPhotoRow(db, id);
      return findPrint(libraryPaths(libraryDir).original(row.sha256, row.ext), row);
    },
    async 'photos:remove'(ids) {
      const gone = photos.removePhotoRows(db, ids);
      const p = libraryPaths(libraryDir);
      // Rows first (the library never points at a missing file), then the library's own copies.
      // The user's files outside the library are never touched.
      for (const g of gone) {
        await rm(p.original(g.sha256, g.ext), { force: true });
        await removeRenditions(libraryDir, g.sha256);
        await rm(p.photoVersions(g.id), { recursive: true, force: true });
      }
      changed('photos');
      changed('albums');
      changed('tags');
    },
    async 'tags:list'() {
      return tags.listTags(db);
    },
    async 'tags:set'(photoId, names) {
      const result = tags.setTags(db, photoId, names);
      changed('tags');
      changed('photos');
      return result;
    },
    async 'albums:list'() {
      return albums.listAlbums(db);
    },
    async 'albums:create'(name) {
      return albumsChanged(albums.createAlbum(db, name));
    },
    async 'albums:rename'(id, name) {
      return albumsChanged(albums.renameAlbum(db, id, name));
    },
    async 'albums:delete'(id) {
      albumsChanged(albums.deleteAlbum(db, id));
    },
    async 'albums:add'(id, ids) {
      return albumsChanged(albums.addToAlbum(db, id, ids));
    },
    async 'albums:remove'(id, ids) {
      return albumsChanged(albums.removeFromAlbum(db, id, ids));
    },
    async 'albums:reorder'(id, ids) {
      return albumsChanged(albums.reorderAlbum(db, id, ids));
    },
    async 'import:paths'(request) {
      return runImport(request.paths, request.albumId);
    },
    async 'import:pickAndImport'(request) {
      if (!deps.pickPaths) throw new StudioError('invalid-input', 'file dialogs are only available in the desktop app; drop files or use the import buttons');
      const picked = await deps.pickPaths(request.kind);
      return picked ? runImport(picked, request.albumId) : null;
    }
  };
}
