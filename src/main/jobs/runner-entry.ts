/**
 * The runner process: owns the ONNX sessions and runs one job at a time.
 * Forked by the host with Electron's `utilityProcess` (messages on
 * `process.parentPort`) or Node's `child_process.fork` (`process.send`); the
 * same file serves both. A crash here costs one job attempt, never the host.
 */
import { createHash } from 'node:crypto';
import { StudioError, type StudioErrorShape, toErrorShape } from '../../shared/errors.ts';
import { loadModelSet } from '../pipeline/manifest.ts';
import { restoreFile } from '../pipeline/restore.ts';
import { rerunMapping } from '../pipeline/rerun.ts';
import { ModelSessions } from '../pipeline/sessions.ts';
import type { HostMessage, RunnerConfig, RunnerJob, RunnerMessage } from './runner-protocol.ts';
import sharp from 'sharp';

interface ParentPort {
  on(event: 'message', listener: (e: { data: HostMessage }) => void): void;
  postMessage(message: RunnerMessage): void;
}

// libvips' operation cache keeps whole decoded scans alive between photos; the engine never re-reads one.
sharp.cache(false);

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const post = (m: RunnerMessage) => (parentPort ? parentPort.postMessage(m) : process.send?.(m));

let sessions: ModelSessions | null = null;
let config: RunnerConfig | null = null;
let current: { jobId: number; controller: AbortController } | null = null;
let chain = Promise.resolve();
let configError: StudioErrorShape | null = null;

async function configure(next: RunnerConfig): Promise<void> {
  await sessions?.release();
  sessions = null;
  config = next;
  try {
    const models = await loadModelSet(next.modelDirs);
    sessions = await ModelSessions.open(models, { provider: next.provider, threads: next.threads });
    // One identity for the whole set: a version records exactly which four networks made it.
    const stages = models.manifest.stages;
    const modelSha256 = createHash('sha256')
      .update([stages.detect, stages.encode, stages.map, stages.decode].map((s) => s.sha256).join(''))
      .digest('hex');
    post({ type: 'ready', choice: sessions.choice, modelId: models.manifest.modelId, modelSha256 });
    configError = null;
  } catch (err) {
    configError = toErrorShape(err);
    post({ type: 'config-error', error: configError });
  }
}

async function run(job: RunnerJob): Promise<void> {
  const controller = new AbortController();
  current = { jobId: job.jobId, controller };
  try {
    if (!sessions) {
      if (!config) throw new Error('runner used before it was configured');
      await configure(config);
      if (!sessions)
        throw new StudioError(configError?.kind ?? 'model', configError?.message ?? 'the models could not be loaded');
    }
    const onEvent = (event: Parameters<NonNullable<Parameters<typeof restoreFile>[2]['onEvent']>>[0]) =>
      post({ type: 'event', jobId: job.jobId, event });
    const common = { outPath: job.outPath, overwrite: true, tile: job.tile, signal: controller.signal, onEvent };
    const result =
      job.kind === 'rerun'
        ? await rerunMapping(sessions, job.parentCacheDir!, job.maskPath!, {
            ...common,
            newCacheDir: job.cacheDir,
            previousOutput: job.previousOutput
          })
        : await restoreFile(sessions, job.input, {
            ...common,
            scratches: job.scratches,
            maskPath: job.maskPath,
            cacheDir: job.cacheDir,
            frame: job.frame
          });
    post({ type: 'done', jobId: job.jobId, result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) });
  } catch (err) {
    post({ type: 'failed', jobId: job.jobId, error: toErrorShape(err) });
  } finally {
    current = null;
  }
}

function onMessage(m: HostMessage): void {
  if (m.type === 'cancel') {
    if (current?.jobId === m.jobId) current.controller.abort();
    return;
  }
  // Jobs and reconfiguration run in order; a cancel must not wait behind them.
  chain = chain.then(() => (m.type === 'configure' ? configure(m.config) : run(m.job)));
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else process.on('message', (m) => onMessage(m as HostMessage));
// A host that dies takes its runner with it instead of leaving an orphan holding the models.
process.on('disconnect', () => process.exit(0));
