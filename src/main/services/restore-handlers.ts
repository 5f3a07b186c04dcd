/**
 * IPC/bridge handlers for restoring: queue restores and mask re-runs, list and
 * cancel jobs, list and delete versions, report and change where inference
 * runs. The work itself happens in the job queue's runner process; these
 * handlers only touch the database and the queue. Spread into the services'
 * handler map by `createServices`; call `close()` from the services' close.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import type { ChannelArgs, HandlersOf } from '../../shared/contract.ts';
import { StudioError } from '../../shared/errors.ts';
import { engineSettings } from '../../shared/schemas.ts';
import { removeLatentCaches } from '../jobs/latent-cache-space.ts';
import { JobQueue } from '../jobs/queue.ts';
import { nodeRunnerSpawner, type SpawnRunner } from '../jobs/spawn.ts';
import { getJob, listJobs, type JobRow } from '../library/queries/jobs-queue.ts';
import { deleteVersion, listVersions } from '../library/queries/jobs-versions.ts';
import { findPhotoRow } from '../library/queries/photos.ts';
import { getSetting, setSetting } from '../library/queries/settings.ts';
import { defaultModelDirs } from '../paths.ts';
import { versionThumbPath } from './media.ts';
import type { EngineInfo, JobInfo } from '../../shared/types.ts';
import type { HandlerDeps } from './deps.ts';

export interface RestoreHandlerDeps extends HandlerDeps {
  /** Electron passes `utilityRunnerSpawner(utilityProcess, …)`; plain Node defaults to a tsx child process. */
  spawn?: SpawnRunner;
  modelDirs?: string[];
}

type RestoreChannels =
  | 'restore:start'
  | 'restore:rerunMapping'
  | 'jobs:list'
  | 'jobs:cancel'
  | 'jobs:queueState'
  | 'jobs:resume'
  | 'versions:list'
  | 'versions:delete'
  | 'versions:removeCaches'
  | 'engine:info'
  | 'engine:setProvider';

export type RestoreHandlers = HandlersOf<RestoreChannels>;

/** The provider and threads chosen in Settings outlive the app: kept in the library's settings under this key. */
const ENGINE_KEY = 'engine';

function jobInfo(db: Database.Database, j: JobRow): JobInfo {
  const { options: _options, ...info } = j;
  void _options;
  const photoName = findPhotoRow(db, j.photoId)?.file_name ?? null;
  return { ...info, photoName };
}

/**
 * `cancelRestores` cancels the queued and running restores of some photos (before they are removed);
 * `applySavedEngine` puts back the provider and threads chosen in Settings at an earlier run.
 */
export function createRestoreHandlers(deps: RestoreHandlerDeps): {
  handlers: RestoreHandlers;
  queue: JobQueue;
  cancelRestores(photoIds: number[]): Promise<void>;
  applySavedEngine(): Promise<void>;
  close(): void;
} {
  const queue = new JobQueue({
    db: deps.db,
    libraryDir: deps.libraryDir,
    spawn: deps.spawn ?? nodeRunnerSpawner(),
    config: { modelDirs: deps.modelDirs ?? defaultModelDirs(), provider: 'auto', threads: 0 },
    emit: (e) => {
      deps.emit('jobs:event', e);
      if (e.state === 'done') deps.emit('library:changed', { scope: 'versions' });
    },
    onState: (state) => deps.emit('jobs:queue', state)
  });
  queue.start();
  async function configureEngine(settings: ChannelArgs<'engine:setProvider'>[0] | undefined): Promise<EngineInfo> {
    if (!settings) throw new StudioError('invalid-input', 'engine settings are required');
    queue.reconfigure({
      modelDirs: deps.modelDirs ?? defaultModelDirs(),
      provider: settings.provider,
      threads: settings.threads
    });
    return queue.probeEngine();
  }
  const handlers: RestoreHandlers = {
    async 'restore:start'(request) {
      // A photo named twice is restored once; all of the call fits in the queue, or none of it is queued.
      const ids = [...new Set(request.photoIds)];
      queue.assertRoom(ids.length);
      return ids.map((id) => jobInfo(deps.db, queue.enqueueRestore(id, { scratches: request.scratches })));
    },
    async 'restore:rerunMapping'(request) {
      return jobInfo(deps.db, await queue.enqueueRerun(request.versionId, request.maskPng));
    },
    async 'jobs:list'(query) {
      return listJobs(deps.db, query).map((j) => jobInfo(deps.db, j));
    },
    async 'jobs:cancel'(jobId) {
      getJob(deps.db, jobId);
      return queue.cancel(jobId);
    },
    async 'jobs:queueState'() {
      return queue.state;
    },
    async 'jobs:resume'() {
      return queue.resume();
    },
    async 'versions:list'(photoId) {
      return listVersions(deps.db, photoId);
    },
    async 'versions:delete'(versionId) {
      const v = deleteVersion(deps.db, versionId);
      // Only ever delete inside the library's versions folder.
      const root = resolve(deps.libraryDir, 'versions') + sep;
      const output = resolve(deps.libraryDir, v.outputPath);
      // A version whose cache was removed still has its folder (output, mask, thumbnail): that goes whole too.
      const dir = v.latentPath
        ? resolve(deps.libraryDir, v.latentPath)
        : basename(dirname(output)).startsWith('job-')
          ? dirname(output)
          : null;
      if (dir && dir.startsWith(root)) await rm(dir, { recursive: true, force: true });
      else if (output.startsWith(root))
        await Promise.all([rm(output, { force: true }), rm(versionThumbPath(output), { force: true })]);
      deps.emit('library:changed', { scope: 'versions' });
    },
    async 'versions:removeCaches'() {
      const removed = await removeLatentCaches(deps.db, deps.libraryDir);
      deps.emit('library:changed', { scope: 'versions' });
      return removed;
    },
    async 'engine:info'() {
      return queue.probeEngine();
    },
    async 'engine:setProvider'(settings) {
      const info = await configureEngine(settings);
      setSetting(deps.db, ENGINE_KEY, settings);
      return info;
    }
  };
  return {
    handlers,
    queue,
    async cancelRestores(photoIds) {
      const gone = new Set(photoIds);
      for (const job of await handlers['jobs:list']({ active: true, limit: 10_000 })) {
        if (gone.has(job.photoId)) await handlers['jobs:cancel'](job.id);
      }
    },
    async applySavedEngine() {
      const saved = engineSettings.safeParse(getSetting(deps.db, ENGINE_KEY));
      if (saved.success) await configureEngine(saved.data).catch(() => undefined);
    },
    close: () => queue.close()
  };
}
