/**
 * Zoom and pan of one image in an area of the screen, shared by the detail view, the compare view and the mask
 * editor so that fit, 1:1 (one image pixel per device pixel) and the wheel mean the same everywhere.
 */
import { actualPixels, fitView, panBy, zoomAt, type Size, type View } from '../mask/viewport.ts';

export class ZoomPan {
  view = $state<View>({ scale: 1, x: 0, y: 0 });
  image = $state<Size | null>(null);
  dpr = $state(1);
  /** True while the view is the fitted one, so a new area size can refit it. */
  fitted = $state(true);
  /** Zoom in percent of device pixels (100 = 1:1). */
  percent = $derived(Math.round(this.view.scale * this.dpr * 100));
  /** Space left around the fitted image, in CSS pixels. */
  readonly #margin: number;

  constructor(margin: number) {
    this.#margin = margin;
  }

  /** The area the image is shown in, CSS pixels. */
  protected get area(): Size {
    return { width: 0, height: 0 };
  }

  fit(): void {
    this.fitted = true;
    if (this.image && this.area.width > 0) this.view = fitView(this.image, this.area, this.dpr, this.#margin);
  }

  oneToOne(focus?: { x: number; y: number }): void {
    if (!this.image) return;
    this.fitted = false;
    this.view = actualPixels(this.view, this.image, this.area, this.dpr, focus);
  }

  /** Zooms by `factor` keeping the image point under `at` (the area's centre by default) in place. */
  zoom(factor: number, at?: { x: number; y: number }): void {
    if (!this.image) return;
    this.fitted = false;
    const point = at ?? { x: this.area.width / 2, y: this.area.height / 2 };
    this.view = zoomAt(this.view, factor, point, this.image, this.area, this.dpr);
  }

  /** Pans by (dx, dy) CSS pixels, kept inside the image; (0, 0) pulls a view the area outgrew back in. */
  pan(dx: number, dy: number): void {
    if (this.image) this.view = panBy(this.view, dx, dy, this.image, this.area);
  }
}
