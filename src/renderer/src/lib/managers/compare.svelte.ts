/**
 * State of the before/after compare view: slider or side by side, the slider
 * position, and one zoom/pan shared by both images so they stay in step down
 * to 1:1 pixels. The view is relative to one pane (the whole stage for the
 * slider, each half side by side).
 */
import { actualPixels, fitView, panBy, zoomAt, type Size, type View } from '../mask/viewport.ts';

export type CompareMode = 'slider' | 'side-by-side';

/** Gap between the two panes side by side, in CSS pixels. */
export const PANE_GAP = 4;

export class CompareManager {
  mode = $state<CompareMode>('slider');
  /** Slider position, 0 (all "after") … 1 (all "before"). */
  split = $state(0.5);
  view = $state<View>({ scale: 1, x: 0, y: 0 });
  stageSize = $state<Size>({ width: 0, height: 0 });
  image = $state<Size | null>(null);
  dpr = $state(1);
  /** True while the view is the fitted one: a new pane size (side by side, a resize, the queue panel) refits it. */
  fitted = $state(true);

  /** Size of one pane in the current mode. */
  paneSize = $derived<Size>(
    this.mode === 'slider'
      ? this.stageSize
      : { width: Math.max(1, Math.floor((this.stageSize.width - PANE_GAP) / 2)), height: this.stageSize.height }
  );

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
    this.view = { ...this.view, x: this.view.x + (after.width - before.width) / 2, y: this.view.y + (after.height - before.height) / 2 };
    this.keepInside();
  }

  setSplit(value: number): void {
    this.split = Math.min(1, Math.max(0, value));
  }

  fit(): void {
    this.fitted = true;
    if (this.image && this.paneSize.width > 0) this.view = fitView(this.image, this.paneSize, this.dpr, 8);
  }

  oneToOne(focus?: { x: number; y: number }): void {
    if (!this.image) return;
    this.fitted = false;
    this.view = actualPixels(this.view, this.image, this.paneSize, this.dpr, focus);
  }

  zoom(factor: number, at?: { x: number; y: number }): void {
    if (!this.image) return;
    this.fitted = false;
    const point = at ?? { x: this.paneSize.width / 2, y: this.paneSize.height / 2 };
    this.view = zoomAt(this.view, factor, point, this.image, this.paneSize, this.dpr);
  }

  pan(dx: number, dy: number): void {
    if (this.image) this.view = panBy(this.view, dx, dy, this.image, this.paneSize);
  }

  private keepInside(): void {
    if (this.image) this.view = panBy(this.view, 0, 0, this.image, this.paneSize);
  }
}
