/** Handlers of tags (`tags:*`). */
import type { HandlersOf } from '../../shared/contract.ts';
import * as tags from '../library/queries/tags.ts';
import { announcer, type HandlerDeps } from './deps.ts';

export function createTagHandlers({ db, emit }: HandlerDeps): HandlersOf<'tags:list' | 'tags:set'> {
  const changed = announcer(emit);
  return {
    async 'tags:list'() {
      return tags.listTags(db);
    },
    async 'tags:set'(photoId, names) {
      const result = tags.setTags(db, photoId, names);
      changed('tags');
      changed('photos');
      return result;
    }
  };
}
