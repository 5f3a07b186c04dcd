/**
 * What every domain's handlers are built from: the open library, its folder
 * and the push-event sink of the transport that serves them.
 */
import type Database from 'better-sqlite3';
import type { EventName, StudioEvents } from '../../shared/contract.ts';
import type { LibraryChange } from '../../shared/types.ts';

export type Emit = <E extends EventName>(event: E, payload: StudioEvents[E]) => void;

export interface HandlerDeps {
  db: Database.Database;
  libraryDir: string;
  emit: Emit;
}

/** `library:changed` for one scope: every open view of it refreshes. */
export function announcer(emit: Emit): (scope: LibraryChange['scope']) => void {
  return (scope) => emit('library:changed', { scope });
}
