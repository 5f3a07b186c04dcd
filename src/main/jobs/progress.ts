/**
 * Overall progress of a job from its stage and tile events: stages are
 * weighted by their usual share of the run time, and the ETA extrapolates the
 * elapsed time over what is left.
 */
import type { StageName } from '../pipeline/manifest.ts';
import type { StageEvent } from '../pipeline/stages.ts';

const WEIGHT: Record<StageName, number> = { detect: 0.1, encode: 0.3, map: 0.15, decode: 0.45 };

/** Tracks one job's events. */
export class ProgressTracker {
  private done = new Set<StageName>();
  private current: { stage: StageName; fraction: number } | null = null;
  private readonly total: number;
  private readonly started = performance.now();

  constructor(private readonly stages: StageName[]) {
    this.total = stages.reduce((a, s) => a + WEIGHT[s], 0);
  }

  update(e: StageEvent): void {
    if (e.type === 'stage') {
      if (e.phase === 'start') this.current = { stage: e.stage, fraction: 0 };
      else {
        this.done.add(e.stage);
        this.current = null;
      }
    } else this.current = { stage: e.stage, fraction: e.tile / Math.max(1, e.tiles) };
  }

  /** 0..1 */
  get fraction(): number {
    let sum = 0;
    for (const s of this.done) if (this.stages.includes(s)) sum += WEIGHT[s];
    if (this.current && this.stages.includes(this.current.stage) && !this.done.has(this.current.stage)) sum += WEIGHT[this.current.stage] * this.current.fraction;
    return Math.min(1, this.total > 0 ? sum / this.total : 0);
  }

  /** Seconds left, or null until there is enough to go on. */
  get etaSeconds(): number | null {
    const f = this.fraction;
    if (f < 0.02) return null;
    const elapsed = (performance.now() - this.started) / 1000;
    return Math.max(0, (elapsed * (1 - f)) / f);
  }

  get stage(): StageName | null {
    return this.current?.stage ?? null;
  }
}

/** The stages a job will run. */
export function plannedStages(kind: 'restore' | 'rerun', scratches: string, hasMask: boolean): StageName[] {
  if (kind === 'rerun') return ['map', 'decode'];
  return scratches === 'off' || hasMask ? ['encode', 'map', 'decode'] : ['detect', 'encode', 'map', 'decode'];
}
