/**
 * Handlers of the library as a whole (`library:*`: the grid's pages, one
 * photo, the stats and the library folder) and of single photos (`photos:*`).
 */
import { rm } from 'node:fs/promises';
import type { HandlersOf } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import { photoMediaKey } from '../../shared/media-key.ts';
import { findPrint } from '../image/print-edges.ts';
import { latentCacheBytes } from '../jobs/latent-cache-space.ts';
import * as photos from '../library/queries/photos.ts';
import { libraryPaths } from '../paths.ts';
import { announcer, type HandlerDeps } from './deps.ts';
import { removeRenditions } from './media.ts';

export interface PhotoHandlerDeps extends HandlerDeps {
  /** Desktop only: lets the user pick another library folder and restarts on it. */
  chooseLibraryDir?(): Promise<string | null>;
  /** Cancels the queued and running restores of these photos. */
  cancelRestores(photoIds: number[]): Promise<void>;
}

type PhotoChannels =
  | 'library:list'
  | 'library:get'
  | 'library:stats'
  | 'library:chooseLocation'
  | 'photos:update'
  | 'photos:remove'
  | 'photos:findPrint';

export function createPhotoHandlers(deps: PhotoHandlerDeps): HandlersOf<PhotoChannels> {
  const { db, libraryDir, emit } = deps;
  const changed = announcer(emit);
  return {
    async 'library:list'(query) {
      return photos.listPhotos(db, query);
    },
    async 'library:get'(id) {
      return photos.getPhoto(db, id);
    },
    async 'library:stats'() {
      return {
        ...photos.libraryStats(db),
        cacheBytes: await latentCacheBytes(db, libraryDir),
        location: libraryDir,
        canChangeLocation: deps.chooseLibraryDir !== undefined
      };
    },
    async 'library:chooseLocation'() {
      if (!deps.chooseLibraryDir)
        throw new StudioError(
          'invalid-input',
          'the library folder is chosen when the server starts (heirloom serve --library DIR)'
        );
      return deps.chooseLibraryDir();
    },
    async 'photos:update'(id, patch) {
      const detail = photos.updatePhoto(db, id, patch);
      // Renditions of an earlier turn or crop will not be asked for again: they would only fill the disk.
      if (patch.rotation !== undefined || patch.tilt !== undefined || patch.crop !== undefined)
        await removeRenditions(libraryDir, detail.sha256, photoMediaKey(detail));
      changed('photos');
      if (patch.currentVersionId !== undefined) changed('versions');
      return detail;
    },
    async 'photos:findPrint'(id) {
      const row = photos.getPhotoRow(db, id);
      return findPrint(libraryPaths(libraryDir).original(row.sha256, row.ext), row);
    },
    async 'photos:remove'(ids) {
      // A queued or running restore of a removed photo would run on for nothing (its version is never kept).
      await deps.cancelRestores(ids);
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
    }
  };
}
