/**
 * The services behind every transport: Electron IPC, the browser-mode bridge
 * and the CLI all call the same handler map, after `validateArgs` has parsed
 * the payload with the contract's schema.
 */
import { channels, type ChannelArgs, type ChannelName, type Handlers } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import type { MediaKind } from '../../shared/types.ts';
import type { SpawnRunner } from '../jobs/spawn.ts';
import { sweepOrphans, sweepVersionOrphans } from '../library/maintenance.ts';
import { openLibrary } from '../library/open-library.ts';
import { createAlbumHandlers } from './album-handlers.ts';
import type { Emit } from './deps.ts';
import { createExportHandlers } from './export-handlers.ts';
import { createImportHandlers } from './import-handlers.ts';
import { createMediaReader } from './media.ts';
import { createPhotoHandlers } from './photo-handlers.ts';
import { createRestoreHandlers } from './restore-handlers.ts';
import { createTagHandlers } from './tag-handlers.ts';

export interface ServiceOptions {
  libraryDir: string;
  emit: Emit;
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
  const deps = { db, libraryDir: options.libraryDir, emit: options.emit };
  const exporter = createExportHandlers({ ...deps, chooseExportPath: options.chooseExportPath });
  const restore = createRestoreHandlers({ ...deps, spawn: options.spawn, modelDirs: options.modelDirs });
  await restore.applySavedEngine();
  const handlers: Handlers = {
    ...createPhotoHandlers({
      ...deps,
      chooseLibraryDir: options.chooseLibraryDir,
      cancelRestores: restore.cancelRestores
    }),
    ...createAlbumHandlers(deps),
    ...createTagHandlers(deps),
    ...createImportHandlers({ ...deps, pickPaths: options.pickPaths }),
    ...exporter.handlers,
    ...restore.handlers
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
