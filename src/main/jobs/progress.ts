/**
 * Overall progress of a job from its stage and tile events, and its time left.
 * Progress weighs stages by their usual share of the run time. The time left
 * comes from how fast this machine ran each stage before (seconds per
 * megapixel, from the versions it made: `stageRates`), corrected by how fast
 * this job's finished stages and the current one actually go, and smoothed so
 * it counts down instead of jumping. With nothing measured yet there is no
 * estimate: none is better than a wrong one ("39 s left" for a 3-s job).
 */
import type { StageName } from '../pipeline/manifest.ts';
import type { StageEvent } from '../pipeline/stages.ts';

const WEIGHT: Record<StageName, number> = { detect: 0.1, encode: 0.3, map: 0.15, decode: 0.45 };

/** Seconds per megapixel of each stage on this machine (medians of earlier restores); missing when never measured. */
export type StageRates = Partial<Record<StageName, number>>;

export interface EtaBasis {
  rates: StageRates;
  /** The photo's size as restored. */
  megapixels: number;
  /** Seconds, monotonic; injectable for tests. */
  now?: () => number;
}

/** The current stage's own pace counts once this much of it is done. */
const OWN_PACE_FROM = 0.1;
/** Weight of a new estimate against the previous one counted down. */
const SMOOTHING = 0.3;

/** Tracks one job's events. */
export class ProgressTracker {
  private done = new Set<StageName>();
  private current: { stage: StageName; fraction: number; startedAt: number } | null = null;
  private readonly total: number;
  private readonly now: () => number;
  /** Actual over expected seconds of the stages finished so far (a busy machine runs everything slower). */
  private actual = 0;
  private expected = 0;
  private last: { eta: number; at: number } | null = null;

  constructor(
    private readonly stages: StageName[],
    private readonly basis: EtaBasis = { rates: {}, megapixels: 0 }
  ) {
    this.total = stages.reduce((a, s) => a + WEIGHT[s], 0);
    this.now = basis.now ?? (() => performance.now() / 1000);
  }

  update(e: StageEvent): void {
    const at = this.now();
    if (e.type === 'stage') {
      if (e.phase === 'start') this.current = { stage: e.stage, fraction: 0, startedAt: at };
      else {
        this.done.add(e.stage);
        const prior = this.prior(e.stage);
        if (prior !== null && this.current?.stage === e.stage) {
          this.actual += at - this.current.startedAt;
          this.expected += prior;
        }
        this.current = null;
      }
    } else {
      const startedAt = this.current?.stage === e.stage ? this.current.startedAt : at;
      this.current = { stage: e.stage, fraction: e.tile / Math.max(1, e.tiles), startedAt };
    }
    this.refresh(at);
  }

  /** 0..1 */
  get fraction(): number {
    let sum = 0;
    for (const s of this.done) if (this.stages.includes(s)) sum += WEIGHT[s];
    if (this.current && this.stages.includes(this.current.stage) && !this.done.has(this.current.stage))
      sum += WEIGHT[this.current.stage] * this.current.fraction;
    return Math.min(1, this.total > 0 ? sum / this.total : 0);
  }

  /** Seconds left, or null while there is nothing measured to base it on. */
  get etaSeconds(): number | null {
    if (!this.last) return null;
    return Math.max(0, this.last.eta - (this.now() - this.last.at));
  }

  get stage(): StageName | null {
    return this.current?.stage ?? null;
  }

  /** Expected seconds of a whole stage from this machine's history, scaled by this job's pace so far. */
  private prior(stage: StageName): number | null {
    const rate = this.basis.rates[stage];
    if (rate === undefined || !(this.basis.megapixels > 0)) return null;
    return rate * this.basis.megapixels;
  }

  private pace(): number {
    return this.expected > 0 ? this.actual / this.expected : 1;
  }

  /** Seconds left from what is known now; null if any remaining stage has no basis. */
  private raw(at: number): number | null {
    let left = 0;
    for (const s of this.stages) {
      if (this.done.has(s)) continue;
      const prior = this.prior(s);
      const expected = prior === null ? null : prior * this.pace();
      if (this.current?.stage === s) {
        const f = this.current.fraction;
        const elapsed = at - this.current.startedAt;
        // The stage's own pace takes over from the history as it gets under way.
        const own = f >= OWN_PACE_FROM ? elapsed / f : null;
        const whole = own !== null && expected !== null ? expected * (1 - f) + own * f : (own ?? expected);
        if (whole === null) return null;
        left += Math.max(0, whole - elapsed);
      } else {
        if (expected === null) return null;
        left += expected;
      }
    }
    return left;
  }

  private refresh(at: number): void {
    const raw = this.raw(at);
    if (raw === null) return;
    const counted = this.last ? Math.max(0, this.last.eta - (at - this.last.at)) : null;
    this.last = { eta: counted === null ? raw : counted + SMOOTHING * (raw - counted), at };
  }
}

/** The stages a job will run. */
export function plannedStages(kind: 'restore' | 'rerun', scratches: string, hasMask: boolean): StageName[] {
  if (kind === 'rerun') return ['map', 'decode'];
  return scratches === 'off' || hasMask ? ['encode', 'map', 'decode'] : ['detect', 'encode', 'map', 'decode'];
}
