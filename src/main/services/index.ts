/**
 * The services behind every transport: Electron IPC, the browser-mode bridge
 * and the CLI all call the same handler map, after `validateArgs` has parsed
 * the payload with the contract's schema.
 */
import { channels, type ChannelArgs, type ChannelName, type EventName, type StudioEvents } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import type { MediaKind } from '../../shared/types.ts';
import type { SpawnRunner } from '../jobs/spawn.ts';
import { sweepOrphans, sweepVersionOrphans } from '../library/maintenance.ts';
import { openLibrary } from '../library/open-library.ts';
import { exportPreview } from '../library/queries/export-preview.ts';
import { getSetting, setSetting } from '../library/queries/settings.ts';
import { createExportHandlers } from './export-handlers.ts';
import { createLibraryHandlers } from './library-handlers.ts';
import { createMediaReader } from './media.ts';
import { createRestoreHandlers } from './restore-handlers.ts';
import { engineSettings } from '../../shared/schemas.ts';

export interface ServiceOptions {
  libraryDir: string;
  emit<E extends EventName>(event: E, payload: StudioEvents[E]): void;
  pickPaths?(kind: 'files' | 'folder'): Promise<string[] | null>;
  chooseLibraryDir?(): Promise<string | null>;
  /** Desktop only: the system dialog for an export's destination (browser mode types the path). */
  chooseExportPath?(kind: 'folder' | 'zip', suggestedName: string): Promise<string | null>;
  spawn?: SpawnRunner;
  modelDirs?: string[];
}

/** Parses a channel's argument tuple with its schema; unknown channels and bad payloads are `invalid-input`. */
export function validateArgs<C extends ChannelName>(channel: C, args: unknown): ChannelArgs<C> {
  if (!Object.hasOwn(channels, channel)) throw new StudioError('invalid-input', `unknown channel "${String(channel)}"`);
  const parsed = channels[channel].args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `argument ${issue.path.join('.')}` : 'arguments';
    throw new StudioError('invalid-input', `${channel}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as ChannelArgs<C>;
}

export async function createServices(options: ServiceOptions) {
  const db = openLibrary(options.libraryDir);
  sweepOrphans(db, options.libraryDir);
  // Before the queue starts: a job it requeues keeps its folder until it runs again.
  sweepVersionOrphans(db, options.libraryDir);
  const library = createLibraryHandlers({ db, libraryDir: options.libraryDir, emit: options.emit, pickPaths: options.pickPaths, chooseLibraryDir: options.chooseLibraryDir });
  const exporter = createExportHandlers({ db, libraryDir: options.libraryDir, emit: options.emit });
  const restore = createRestoreHandlers({ db, libraryDir: options.libraryDir, emit: options.emit, spawn: options.spawn, modelDirs: options.modelDirs });

  // The provider and threads chosen in Settings outlive the app.
  const saved = engineSettings.safeParse(getSetting(db, 'engine'));
  if (saved.success) await restore.handlers['engine:setProvider'](saved.data).catch(() => undefined);
  const handlers = {
    ...library,
    ...exporter.handlers,
    ...restore.handlers,
    async 'export:preview'(target: ChannelArgs<'export:preview'>[0]) {
      return exportPreview(db, target);
    },
    async 'export:chooseDestination'(request: ChannelArgs<'export:chooseDestination'>[0]) {
      if (!options.chooseExportPath) throw new StudioError('invalid-input', 'there is no folder dialog in browser mode: type the destination path');
      return options.chooseExportPath(request.kind, request.suggestedName);
    },
    async 'photos:remove'(ids: ChannelArgs<'photos:remove'>[0]) {
      // A queued or running restore of a removed photo would run on for nothing (its version is never kept):
      // cancel those first, then remove.
      const gone = new Set(ids);
      for (const job of await restore.handlers['jobs:list']({ active: true, limit: 10_000 })) {
        if (gone.has(job.photoId)) await restore.handlers['jobs:cancel'](job.id);
      }
      return library['photos:remove'](ids);
    },
    async 'engine:setProvider'(settings: ChannelArgs<'engine:setProvider'>[0]) {
      const info = await restore.handlers['engine:setProvider'](settings);
      setSetting(db, 'engine', settings);
      return info;
    }
  };
  const readMedia = createMediaReader(db, options.libraryDir);
  let closed = false;
  return {
    db,
    handlers,
    /** Settles when the stale export staging folders of earlier runs are removed. */
    exportsSwept: exporter.swept,
    readMedia: (kind: MediaKind, key: string) => readMedia(kind, key),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      exporter.close();
      await Promise.resolve(restore.close());
      db.close();
    }
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
