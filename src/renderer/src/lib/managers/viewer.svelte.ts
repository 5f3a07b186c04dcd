/**
 * Zoom and pan of the photo detail view: wheel at the pointer, +/-, fit and
 * 1:1 (one image pixel per device pixel), drag to pan. Uses the same viewport
 * maths as the compare view and mask editor so "1:1" means the same everywhere.
 */
import { actualPixels, fitView, panBy, zoomAt, type Size, type View } from '../mask/viewport.ts';

export class ViewerManager {
  view = $state<View>({ scale: 1, x: 0, y: 0 });
  stage = $state<Size>({ width: 0, height: 0 });
  image = $state<Size | null>(null);
  dpr = $state(1);
  /** True while the view is the fitted one, so a resize refits. */
  fitted = $state(true);
  /** Zoom in percent of device pixels (100 = 1:1). */
  percent = $derived(Math.round(this.view.scale * this.dpr * 100));

  setImage(size: Size | null): void {
    this.image = size;
    this.fit();
  }

  setStage(size: Size, dpr: number): void {
    this.stage = size;
    this.dpr = dpr;
    if (this.fitted) this.fit();
    else this.pan(0, 0);
  }

  fit(): void {
    this.fitted = true;
    if (this.image && this.stage.width > 0) this.view = fitView(this.image, this.stage, this.dpr, 16);
  }

  oneToOne(focus?: { x: number; y: number }): void {
    if (!this.image) return;
    this.fitted = false;
    this.view = actualPixels(this.view, this.image, this.stage, this.dpr, focus);
  }

  zoom(factor: number, at?: { x: number; y: number }): void {
    if (!this.image) return;
    this.fitted = false;
    this.view = zoomAt(this.view, factor, at ?? { x: this.stage.width / 2, y: this.stage.height / 2 }, this.image, this.stage, this.dpr);
  }

  pan(dx: number, dy: number): void {
    if (this.image) this.view = panBy(this.view, dx, dy, this.image, this.stage);
  }
}
