/**
 * The one runner process the queue hands jobs to: started on first need,
 * configured with the provider and threads, and asked for the engine it chose.
 * A runner that exits is forgotten here (the queue decides what its job
 * becomes); the next job or probe starts a new one.
 */
import type { EngineInfo } from '../../shared/types.ts';
import type { RunnerConfig, RunnerJob, RunnerMessage } from './runner-protocol.ts';
import type { RunnerHandle, SpawnRunner } from './spawn.ts';

/** What the runner says about a job (engine messages are the supervisor's own). */
export type JobMessage = Exclude<RunnerMessage, { type: 'ready' } | { type: 'config-error' }>;

export interface SupervisorEvents {
  message(m: JobMessage): void;
  exit(code: number | null): void;
}

export class RunnerSupervisor {
  private runner: RunnerHandle | null = null;
  private readyWaiters: (() => void)[] = [];
  private engine: EngineInfo;
  /** sha256 of the model set the runner loaded, recorded with each version. */
  modelSha: string | null = null;
  /** Runner processes started so far (tests check restarts). */
  spawned = 0;

  constructor(
    private readonly spawn: SpawnRunner,
    private config: RunnerConfig,
    private readonly on: SupervisorEvents
  ) {
    this.engine = {
      requested: config.provider,
      provider: null,
      label: null,
      reason: null,
      rejected: [],
      threads: config.threads,
      modelId: null,
      error: null
    };
  }

  get engineInfo(): EngineInfo {
    return this.engine;
  }

  /** Applies new provider/thread settings: the runner restarts with them before the next job. */
  reconfigure(config: RunnerConfig): void {
    this.config = config;
    this.engine = {
      ...this.engine,
      requested: config.provider,
      threads: config.threads,
      provider: null,
      label: null,
      reason: null,
      rejected: [],
      error: null
    };
    // The runner applies it in order: after the job it is running, before the next.
    this.runner?.send({ type: 'configure', config });
  }

  /** Starts the runner if needed and resolves once it has chosen a provider (or failed to). */
  probeEngine(timeoutMs = 60_000): Promise<EngineInfo> {
    if (this.engine.provider || this.engine.error) return Promise.resolve(this.engine);
    return new Promise((done) => {
      const timer = setTimeout(() => done(this.engine), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        done(this.engine);
      });
      this.ensureRunner();
    });
  }

  run(job: RunnerJob): void {
    this.ensureRunner().send({ type: 'run', job });
  }

  /**
   * Asks the runner to stop `jobId`; kills it if, after `graceMs`, it is the
   * same runner and `stillOn()` says the job has not ended.
   */
  stop(jobId: number, graceMs: number, stillOn: () => boolean): void {
    const runner = this.runner;
    runner?.send({ type: 'cancel', jobId });
    setTimeout(() => {
      if (stillOn() && this.runner === runner) runner?.kill();
    }, graceMs).unref();
  }

  /** Whether a runner process is up. */
  get running(): boolean {
    return this.runner !== null;
  }

  kill(): void {
    this.runner?.kill();
    this.runner = null;
  }

  private ensureRunner(): RunnerHandle {
    if (this.runner) return this.runner;
    const runner = this.spawn();
    this.spawned++;
    this.runner = runner;
    runner.onMessage((m) => this.onMessage(m));
    runner.onExit((code) => {
      if (this.runner === runner) this.runner = null;
      this.on.exit(code);
    });
    runner.send({ type: 'configure', config: this.config });
    return runner;
  }

  private onMessage(m: RunnerMessage): void {
    if (m.type === 'ready') {
      this.modelSha = m.modelSha256;
      this.engine = {
        ...this.engine,
        provider: m.choice.provider,
        label: m.choice.label,
        reason: m.choice.reason,
        rejected: m.choice.rejected,
        modelId: m.modelId,
        error: null
      };
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    if (m.type === 'config-error') {
      this.engine = { ...this.engine, provider: null, label: null, reason: null, error: m.error.message };
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    this.on.message(m);
  }
}
