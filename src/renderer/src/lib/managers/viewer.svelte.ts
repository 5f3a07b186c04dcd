/** Zoom and pan of the photo detail view: wheel at the pointer, +/-, fit and 1:1, drag to pan. */
import type { Size } from '../mask/viewport.ts';
import { ZoomPan } from './zoom-pan.svelte.ts';

export class ViewerManager extends ZoomPan {
  stage = $state<Size>({ width: 0, height: 0 });

  constructor() {
    super(16);
  }

  protected override get area(): Size {
    return this.stage;
  }

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
}
