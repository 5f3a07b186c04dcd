/**
 * Messages between the host (the app's main process, or the CLI/bridge under
 * plain Node) and the runner process that does the inference. The runner never
 * touches the database: it gets file paths, reports events and results, and
 * can be killed at any moment without harm.
 */
import type { StudioErrorShape } from '../../shared/errors.ts';
import type { ProviderRequest } from '../../shared/providers.ts';
import type { ProviderChoice } from '../pipeline/providers.ts';
import type { RestoreResult, ScratchMode } from '../pipeline/restore.ts';
import type { StageEvent } from '../pipeline/stages.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';

/** One unit of work, with every path already resolved. */
export interface RunnerJob {
  jobId: number;
  kind: 'restore' | 'rerun';
  /** The original photo (restore). */
  input: string;
  /** Final output PNG inside `cacheDir`. */
  outPath: string;
  /** The version folder: latent cache + mask of this version. */
  cacheDir: string;
  scratches: ScratchMode;
  /** A full-resolution mask to use (re-run: the edited mask). */
  maskPath?: string;
  /** Re-run: the version folder whose latent is reused. */
  parentCacheDir?: string;
  /** Re-run: the parent version's output, so only the tiles the mask edit touches run. */
  previousOutput?: string;
  /** Tile size override in image pixels. */
  tile?: number;
  /** Restore: the photo's turn and crop, applied after its EXIF orientation. */
  frame?: PhotoFrame;
}

/** How the runner opens its sessions. */
export interface RunnerConfig {
  modelDirs: string[];
  provider: ProviderRequest;
  threads: number;
}

export type HostMessage =
  { type: 'configure'; config: RunnerConfig } | { type: 'run'; job: RunnerJob } | { type: 'cancel'; jobId: number };

export type RunnerMessage =
  | { type: 'ready'; choice: ProviderChoice; modelId: string; modelSha256: string }
  | { type: 'config-error'; error: StudioErrorShape }
  | { type: 'event'; jobId: number; event: StageEvent }
  /** `maxRssMB`: the runner's peak resident memory so far (the bench reads it). */
  | { type: 'done'; jobId: number; result: RestoreResult; maxRssMB: number }
  | { type: 'failed'; jobId: number; error: StudioErrorShape };
