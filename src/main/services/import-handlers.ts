/**
 * Handlers of import (`import:*`): files and folders by path, or picked in
 * the system's dialog. Progress goes out as `import:progress`, and the grid
 * refreshes while photos arrive.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelResult, HandlersOf } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import { importPaths } from '../import/import-files.ts';
import { announcer, type HandlerDeps } from './deps.ts';

export interface ImportHandlerDeps extends HandlerDeps {
  /** Native file/folder dialog (Electron); absent in browser mode and the CLI. */
  pickPaths?(kind: 'files' | 'folder'): Promise<string[] | null>;
}

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

export function createImportHandlers(deps: ImportHandlerDeps): HandlersOf<'import:paths' | 'import:pickAndImport'> {
  const { db, libraryDir, emit } = deps;
  const changed = announcer(emit);

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
    async 'import:paths'(request) {
      return runImport(request.paths, request.albumId);
    },
    async 'import:pickAndImport'(request) {
      if (!deps.pickPaths)
        throw new StudioError(
          'invalid-input',
          'file dialogs are only available in the desktop app; drop files or use the import buttons'
        );
      const picked = await deps.pickPaths(request.kind);
      return picked ? runImport(picked, request.albumId) : null;
    }
  };
}
