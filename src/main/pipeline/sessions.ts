/**
 * The one owner of onnxruntime-node sessions: opened lazily per stage after the
 * model file passes its checksum, on the provider chosen by `chooseProvider`,
 * with a configurable intra-op thread count, and released together.
 */
import ort from 'onnxruntime-node';

// Provider load failures are reported by us in words; onnxruntime's own log would repeat them as C++ traces.
ort.env.logLevel = 'fatal';
import { StudioError } from '../../shared/errors.ts';
import { type ModelSet, type ModelStage, verifiedStagePath } from './manifest.ts';
import type { Provider, ProviderRequest } from '../../shared/providers.ts';
import {
  type ProviderChoice,
  autoCandidates,
  skipReason,
  explainFailure,
  probeImage,
  probeVerdict,
  providerLabel
} from './providers.ts';

/** How sessions are opened. */
export interface SessionOptions {
  /** `auto` (default) probes the platform's providers in order. */
  provider?: ProviderRequest;
  /** Intra-op threads; 0 or undefined lets onnxruntime decide. */
  threads?: number;
}

/** A float32 tensor as plain data: NCHW dims. */
export interface Tensor32 {
  data: Float32Array;
  dims: number[];
}

/** Input names per stage, from the stage contract in DESIGN.md. */
const INPUTS: Record<ModelStage, string[]> = {
  detect: ['image'],
  encode: ['image'],
  map: ['latent', 'mask'],
  decode: ['latent'],
  tone: ['thumbnail']
};
/** Inputs a model may add to the contract; when its graph has one, the caller must feed it. */
const OPTIONAL_INPUTS: Partial<Record<ModelStage, string[]>> = { map: ['context'], decode: ['tone'] };

export class ModelSessions {
  private readonly sessions = new Map<ModelStage, Promise<ort.InferenceSession>>();
  private released = false;

  private constructor(
    readonly models: ModelSet,
    readonly choice: ProviderChoice,
    private readonly threads: number,
    probed: ort.InferenceSession | null
  ) {
    if (probed) this.sessions.set('encode', Promise.resolve(probed));
  }

  /** Chooses the provider (probing it on the encoder) and returns the session owner. */
  static async open(models: ModelSet, options: SessionOptions = {}): Promise<ModelSessions> {
    const request = options.provider ?? 'auto';
    const threads = Math.max(0, Math.floor(options.threads ?? 0));
    const candidates: Provider[] = request === 'auto' ? autoCandidates() : [request];
    const rejected: ProviderChoice['rejected'] = [];
    const encodePath = await verifiedStagePath(models, 'encode');
    for (const provider of candidates) {
      const skip = request === 'auto' ? skipReason(provider) : null;
      if (skip) {
        rejected.push({ provider, reason: skip });
        continue;
      }
      let session: ort.InferenceSession | null = null;
      try {
        session = await createSession(encodePath, provider, threads);
        const probe = await runSession(session, 'encode', { image: { data: probeImage(32), dims: [1, 3, 32, 32] } });
        const verdict = probeVerdict(probe.data);
        if (verdict) throw new Error(verdict);
        const reason =
          request === 'auto'
            ? rejected.length
              ? `${providerLabel(provider)}: ${rejected.map((r) => r.reason).join('; ')}`
              : `${providerLabel(provider)}: first working provider on ${process.platform}`
            : `${providerLabel(provider)}: requested with --ep ${provider}`;
        return new ModelSessions(
          models,
          { provider, label: providerLabel(provider), reason, rejected },
          threads,
          session
        );
      } catch (err) {
        await session?.release().catch(() => undefined);
        const reason =
          err instanceof Error && /^the probe/.test(err.message)
            ? `${providerLabel(provider)}: ${err.message}`
            : explainFailure(provider, err);
        rejected.push({ provider, reason });
      }
    }
    if (request !== 'auto')
      throw new StudioError('model', `execution provider "${request}" is not usable here: ${rejected[0]?.reason}`);
    throw new StudioError('model', `no execution provider works: ${rejected.map((r) => r.reason).join('; ')}`);
  }

  /** Runs one stage; feeds are named by the stage contract and checked against the model's inputs. */
  async run(stage: ModelStage, feeds: Record<string, Tensor32>): Promise<Tensor32> {
    if (this.released) throw new StudioError('internal', 'model sessions were released');
    let pending = this.sessions.get(stage);
    if (!pending) {
      pending = verifiedStagePath(this.models, stage).then((path) =>
        createSession(path, this.choice.provider, this.threads)
      );
      this.sessions.set(stage, pending);
      pending.catch(() => this.sessions.delete(stage));
    }
    return runSession(await pending, stage, feeds);
  }

  async release(): Promise<void> {
    this.released = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
  }
}

async function createSession(path: string, provider: Provider, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // Tiles come in a few shapes, but the arena keeps every peak it ever reached and the memory
    // pattern planner caches a plan per shape: both cost far more RSS than they save time here.
    enableCpuMemArena: true,
    enableMemPattern: false,
    // Fatal only: a failed provider load is reported by us, in words, not as a C++ log line.
    logSeverityLevel: 4,
    ...(threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {})
  });
}

async function runSession(
  session: ort.InferenceSession,
  stage: ModelStage,
  feeds: Record<string, Tensor32>
): Promise<Tensor32> {
  const inputs: Record<string, ort.Tensor> = {};
  const optional = (OPTIONAL_INPUTS[stage] ?? []).filter((name) => session.inputNames.includes(name));
  const unknown = session.inputNames.filter((name) => !INPUTS[stage].includes(name) && !optional.includes(name));
  if (unknown.length) {
    throw new StudioError(
      'model',
      `model for stage "${stage}" has inputs [${session.inputNames.join(', ')}]; "${unknown[0]}" is not in the stage contract`
    );
  }
  for (const name of [...INPUTS[stage], ...optional]) {
    if (!session.inputNames.includes(name)) {
      throw new StudioError(
        'model',
        `model for stage "${stage}" has inputs [${session.inputNames.join(', ')}], expected "${name}"`
      );
    }
    const feed = feeds[name];
    if (!feed) throw new StudioError('internal', `stage "${stage}" run without input "${name}"`);
    inputs[name] = new ort.Tensor('float32', feed.data, feed.dims);
  }
  const result = await session.run(inputs);
  const out = result[session.outputNames[0]!]!;
  const dims = [...out.dims];
  const data = out.data as Float32Array;
  return { data, dims };
}
