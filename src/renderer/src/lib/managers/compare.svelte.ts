/**
 * State of the before/after compare view: slider or side by side, the slider
 * position, and one zoom/pan shared by both images so they stay in step down
 * to 1:1 pixels. The view is relative to one pane (the whole stage for the
 * slider, each half side by side).
 */
import type { Size } from '../mask/viewport.ts';
import { ZoomPan } from './zoom-pan.svelte.ts';

export type CompareMode = 'slider' | 'side-by-side';

/** Gap between the two panes side by side, in CSS pixels. */
const PANE_GAP = 4;

/** The view is one pane's; `fitted` means a new pane size (side by side, a resize, the queue panel) refits it. */
export class CompareManager extends ZoomPan {
  mode = $state<CompareMode>('slider');
  /** Slider position, 0 (all "after") … 1 (all "before"). */
  split = $state(0.5);
  stageSize = $state<Size>({ width: 0, height: 0 });

  /** Size of one pane in the current mode. */
  paneSize = $derived<Size>(
    this.mode === 'slider'
      ? this.stageSize
      : { width: Math.max(1, Math.floor((this.stageSize.width - PANE_GAP) / 2)), height: this.stageSize.height }
  );

  constructor() {
    super(8);
  }

  protected override get area(): Size {
    return this.paneSize;
  }

  setImage(size: Size): void {
    this.image = { width: size.width, height: size.height };
    this.fit();
  }

  setStageSize(size: Size, dpr: number): void {
    const first = this.stageSize.width === 0;
    this.stageSize = size;
    this.dpr = dpr;
    if (first || this.fitted) this.fit();
    else this.keepInside();
  }

  /** `\`: slider ↔ side by side, keeping the image point at the pane centre in place. */
  toggleMode(): void {
    this.setMode(this.mode === 'slider' ? 'side-by-side' : 'slider');
  }

  setMode(mode: CompareMode): void {
    if (mode === this.mode) return;
    const before = this.paneSize;
    this.mode = mode;
    const after = this.paneSize;
    // A fitted photo stays whole in the half-width panes (at the slider's scale both would be cut).
    if (this.fitted) return this.fit();
    this.view = {
      ...this.view,
      x: this.view.x + (after.width - before.width) / 2,
      y: this.view.y + (after.height - before.height) / 2
    };
    this.keepInside();
  }

  setSplit(value: number): void {
    this.split = Math.min(1, Math.max(0, value));
  }

  private keepInside(): void {
    this.pan(0, 0);
  }
}
