/**
 * The one IPC contract between the renderer and the main process.
 *
 * Each channel (`domain:verb`) names a zod schema for its argument tuple, which
 * main validates on every call, and a phantom result type. The preload's named
 * functions, the Electron IPC registration and the browser-mode bridge are all
 * typed from this map, and main's services from `Handlers`, so a channel added
 * here fails to compile until it has a handler. Nothing here may import node,
 * electron or the DOM (the renderer imports this file).
 */
import { z } from 'zod';
import * as s from './schemas.ts';
import type { FoundPrint } from './crop.ts';
import type { StudioErrorShape } from './errors.ts';
import type * as t from './types.ts';

const channel = <A extends z.ZodTuple>(args: A) => ({
  returns: <R>() => ({ args, result: undefined as unknown as R })
});

export const channels = {
  'library:list': channel(z.tuple([s.libraryQuery])).returns<t.PhotoPage>(),
  'library:get': channel(z.tuple([s.photoId])).returns<t.PhotoDetail>(),
  'library:stats': channel(z.tuple([])).returns<t.LibraryStats>(),
  /** Desktop only: pick (or create) another library folder; the app restarts on it. Null when cancelled. */
  'library:chooseLocation': channel(z.tuple([])).returns<string | null>(),
  'photos:update': channel(z.tuple([s.photoId, s.photoPatch])).returns<t.PhotoDetail>(),
  'photos:remove': channel(z.tuple([z.array(s.photoId).min(1).max(100_000)])).returns<void>(),
  /**
   * Where the print sits inside the scan's even margin: the tilt that levels it and its crop of the photo turned as it
   * is; null when there is no margin.
   */
  'photos:findPrint': channel(z.tuple([s.photoId])).returns<FoundPrint | null>(),
  'tags:list': channel(z.tuple([])).returns<t.TagCount[]>(),
  'tags:set': channel(z.tuple([s.photoId, z.array(s.tagName).max(200)])).returns<string[]>(),
  'albums:list': channel(z.tuple([])).returns<t.Album[]>(),
  'albums:create': channel(z.tuple([s.albumName])).returns<t.Album>(),
  'albums:rename': channel(z.tuple([s.albumId, s.albumName])).returns<t.Album>(),
  'albums:delete': channel(z.tuple([s.albumId])).returns<void>(),
  'albums:add': channel(z.tuple([s.albumId, z.array(s.photoId).min(1).max(100_000)])).returns<t.Album>(),
  'albums:remove': channel(z.tuple([s.albumId, z.array(s.photoId).min(1).max(100_000)])).returns<t.Album>(),
  'albums:reorder': channel(z.tuple([s.albumId, z.array(s.photoId).max(100_000)])).returns<t.Album>(),
  'import:paths': channel(z.tuple([s.importRequest])).returns<t.ImportReport>(),
  'import:pickAndImport': channel(z.tuple([s.pickRequest])).returns<t.ImportReport | null>(),
  'export:album': channel(z.tuple([s.exportRequest])).returns<t.ExportResult>(),
  /** Which version of each photo an export of the album or selection writes as "restored". */
  'export:preview': channel(z.tuple([s.exportPreviewRequest])).returns<t.ExportPreview>(),
  /**
   * Desktop only: where to export, from the system's folder (a new folder named as
   * suggested inside it) or save dialog; null when cancelled.
   */
  'export:chooseDestination': channel(z.tuple([s.exportDestinationRequest])).returns<string | null>(),
  'export:cancel': channel(z.tuple([s.exportId])).returns<boolean>(),
  'restore:start': channel(z.tuple([s.restoreRequest])).returns<t.JobInfo[]>(),
  'restore:rerunMapping': channel(z.tuple([s.rerunRequest])).returns<t.JobInfo>(),
  'jobs:list': channel(z.tuple([s.jobsQuery])).returns<t.JobInfo[]>(),
  'jobs:cancel': channel(z.tuple([s.jobId])).returns<boolean>(),
  'jobs:queueState': channel(z.tuple([])).returns<t.QueueState>(),
  /** Takes the queue out of a pause (it pauses again at once if the disk is still too full). */
  'jobs:resume': channel(z.tuple([])).returns<t.QueueState>(),
  'versions:list': channel(z.tuple([s.photoId])).returns<t.VersionInfo[]>(),
  'versions:delete': channel(z.tuple([s.versionId])).returns<void>(),
  'versions:removeCaches': channel(z.tuple([])).returns<{ versions: number; bytes: number }>(),
  'engine:info': channel(z.tuple([])).returns<t.EngineInfo>(),
  'engine:setProvider': channel(z.tuple([s.engineSettings])).returns<t.EngineInfo>()
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelArgs<C extends ChannelName> = z.infer<Channels[C]['args']>;
export type ChannelResult<C extends ChannelName> = Channels[C]['result'];

/**
 * What a call to any channel resolves with over IPC and the bridge: a thrown error keeps its kind across the boundary.
 */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: StudioErrorShape };

/** Main's handler for one channel: the schema-parsed arguments in, the channel's result out. */
export type Handler<C extends ChannelName> = (...args: ChannelArgs<C>) => Promise<ChannelResult<C>>;
/** Handlers for some channels: what one domain of the services provides. */
export type HandlersOf<C extends ChannelName> = { [K in C]: Handler<K> };
/**
 * Every channel's handler: the services' map must be this, so a channel without
 * a handler, or one of the wrong type, fails to compile.
 */
export type Handlers = HandlersOf<ChannelName>;

/** The named functions the preload exposes as `window.studio`, one per channel. */
export const apiNames = {
  listPhotos: 'library:list',
  getPhoto: 'library:get',
  libraryStats: 'library:stats',
  chooseLibraryLocation: 'library:chooseLocation',
  updatePhoto: 'photos:update',
  removePhotos: 'photos:remove',
  findPrint: 'photos:findPrint',
  listTags: 'tags:list',
  setTags: 'tags:set',
  listAlbums: 'albums:list',
  createAlbum: 'albums:create',
  renameAlbum: 'albums:rename',
  deleteAlbum: 'albums:delete',
  addToAlbum: 'albums:add',
  removeFromAlbum: 'albums:remove',
  reorderAlbum: 'albums:reorder',
  importPaths: 'import:paths',
  pickAndImport: 'import:pickAndImport',
  exportAlbum: 'export:album',
  cancelExport: 'export:cancel',
  previewExport: 'export:preview',
  chooseExportDestination: 'export:chooseDestination',
  startRestore: 'restore:start',
  rerunMapping: 'restore:rerunMapping',
  listJobs: 'jobs:list',
  cancelJob: 'jobs:cancel',
  queueState: 'jobs:queueState',
  resumeQueue: 'jobs:resume',
  listVersions: 'versions:list',
  deleteVersion: 'versions:delete',
  removeLatentCaches: 'versions:removeCaches',
  engineInfo: 'engine:info',
  setEngineProvider: 'engine:setProvider'
} as const satisfies Record<string, ChannelName>;

type ApiNames = typeof apiNames;

/** Push events from main to the renderer. */
export interface StudioEvents {
  'import:progress': t.ImportProgress;
  'library:changed': t.LibraryChange;
  'export:progress': t.ExportProgress;
  'jobs:event': t.JobEvent;
  'jobs:queue': t.QueueState;
  /** Desktop only: a menu item the window carries out (browser mode has no menu). */
  'menu:command': { command: t.MenuCommand };
  /**
   * Browser mode only: the page lost its server, got it back, or found a
   * restarted one (which refuses this page's token).
   */
  'connection:changed': { state: t.ConnectionState };
}
export type EventName = keyof StudioEvents;

export type InvokeApi = {
  [K in keyof ApiNames]: (...args: ChannelArgs<ApiNames[K]>) => Promise<ChannelResult<ApiNames[K]>>;
};

/**
 * What the renderer sees as `window.studio`. Transport-specific extras:
 * - `importFiles` takes dropped/picked `File`s (Electron resolves their paths; browser mode uploads them);
 * - `mediaUrl` builds an <img> URL for library media (custom protocol in Electron, token URL in browser mode);
 * - `on` subscribes to a push event and returns its unsubscribe function.
 */
export interface StudioApi extends InvokeApi {
  readonly transport: 'electron' | 'browser';
  importFiles(files: File[], options?: { albumId?: number }): Promise<t.ImportReport>;
  mediaUrl(kind: t.MediaKind, key: string): string;
  on<E extends EventName>(event: E, listener: (payload: StudioEvents[E]) => void): () => void;
}
