/** Handlers of albums (`albums:*`). */
import type { HandlersOf } from '../../shared/contract.ts';
import * as albums from '../library/queries/albums.ts';
import { announcer, type HandlerDeps } from './deps.ts';

type AlbumChannels =
  | 'albums:list'
  | 'albums:create'
  | 'albums:rename'
  | 'albums:delete'
  | 'albums:add'
  | 'albums:remove'
  | 'albums:reorder';

export function createAlbumHandlers({ db, emit }: HandlerDeps): HandlersOf<AlbumChannels> {
  const changed = announcer(emit);
  // An edit's result passes through once the change is announced (a failed edit throws before: no event).
  const albumsChanged = <T>(result: T): T => {
    changed('albums');
    return result;
  };
  return {
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
    }
  };
}
