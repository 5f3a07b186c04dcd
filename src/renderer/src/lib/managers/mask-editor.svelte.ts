/**
 * State of the scratch-mask editor. The mask itself (one byte per image pixel,
 * tens of megabytes for a scan) is deliberately *not* reactive: edits change it
 * in place and bump `revision`, and the component repaints only `takeDirty()`.
 */
import { paintSegment, type Point } from '../mask/brush.ts';
import { MaskHistory } from '../mask/history.ts';
import { createMask, fillMask, OFF, ON, unionRect, type Mask, type Rect } from '../mask/mask.ts';
import { grow, shrink } from '../mask/morphology.ts';
import type { Size } from '../mask/viewport.ts';
import { ZoomPan } from './zoom-pan.svelte.ts';

export type MaskTool = 'brush' | 'eraser';

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 400;

/** Its view is refitted only when first sized (`fitted` is not consulted): painting must not jump on a resize. */
export class MaskEditorManager extends ZoomPan {
  tool = $state<MaskTool>('brush');
  /** Brush diameter in image pixels. */
  brushSize = $state(24);
  /** Radius used by grow/shrink, in image pixels. */
  growRadius = $state(3);
  viewSize = $state<Size>({ width: 0, height: 0 });
  /** Bumped on every mask change; components repaint on it. */
  revision = $state(0);
  canUndo = $state(false);
  canRedo = $state(false);
  /** The mask differs from what was loaded or last re-run. */
  edited = $state(false);
  /** Space held or middle button: drags pan instead of painting. */
  panMode = $state(false);

  mask: Mask | null = null;
  private readonly history: MaskHistory;
  private dirty: Rect | null = null;
  private stroke: { last: Point; rect: Rect | null } | null = null;

  constructor(historyBytes?: number) {
    super(16);
    this.history = new MaskHistory(historyBytes);
  }

  protected override get area(): Size {
    return this.viewSize;
  }

  /** Starts editing `mask` (or an empty one) for an image of the mask's size. */
  load(mask: Mask | null, image: Size): void {
    this.mask =
      mask && mask.width === image.width && mask.height === image.height ? mask : createMask(image.width, image.height);
    this.image = { width: image.width, height: image.height };
    this.history.clear();
    this.edited = false;
    this.markAll();
    this.fit();
  }

  /** Replaces the whole mask as one undoable step (PNG import or drop). */
  replace(next: Mask, label = 'import'): void {
    const mask = this.mask;
    if (!mask) return;
    this.history.begin(mask);
    mask.data.set(next.data);
    this.finishEdit({ x: 0, y: 0, w: mask.width, h: mask.height }, label);
  }

  setViewSize(size: Size, dpr: number): void {
    const first = this.viewSize.width === 0;
    this.viewSize = size;
    this.dpr = dpr;
    if (first) this.fit();
    else this.pan(0, 0);
  }

  setBrushSize(size: number): void {
    this.brushSize = Math.round(Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, size)));
  }

  /** `[` / `]`: about 15% per press, at least one pixel. */
  stepBrush(direction: 1 | -1): void {
    const step = Math.max(1, Math.round(this.brushSize * 0.15));
    this.setBrushSize(this.brushSize + direction * step);
  }

  /** Pointer down at image coordinates. */
  beginStroke(p: Point): void {
    if (!this.mask) return;
    this.history.begin(this.mask);
    this.stroke = { last: p, rect: null };
    this.strokeTo(p);
  }

  strokeTo(p: Point): void {
    if (!this.mask || !this.stroke) return;
    const value = this.tool === 'brush' ? ON : OFF;
    const rect = paintSegment(this.mask, this.stroke.last, p, this.brushSize / 2, value);
    this.stroke = { last: p, rect: unionRect(this.stroke.rect, rect) };
    this.markDirty(rect);
  }

  endStroke(): void {
    if (!this.mask || !this.stroke) return;
    const { rect } = this.stroke;
    this.stroke = null;
    this.finishEdit(rect, this.tool);
  }

  /** Escape during a stroke: put the mask back as it was. */
  cancelStroke(): void {
    if (!this.mask || !this.stroke) return;
    this.history.cancel(this.mask);
    this.stroke = null;
    this.markAll();
  }

  get stroking(): boolean {
    return this.stroke !== null;
  }

  grow(): void {
    this.wholeMaskEdit((m) => grow(m, this.growRadius), 'grow');
  }

  shrink(): void {
    this.wholeMaskEdit((m) => shrink(m, this.growRadius), 'shrink');
  }

  clear(): void {
    this.wholeMaskEdit((m) => fillMask(m, OFF), 'clear');
  }

  undo(): void {
    if (!this.mask || this.stroke) return;
    const rect = this.history.undo(this.mask);
    if (rect) this.afterHistory(rect);
  }

  redo(): void {
    if (!this.mask || this.stroke) return;
    const rect = this.history.redo(this.mask);
    if (rect) this.afterHistory(rect);
  }

  /**
   * A key press as an editor command (the keys lib/shortcuts.ts lists, but Space, which the view holds for
   * panning); `at`, the pointer, is where 1:1 and +/- zoom. False for a key the editor does not use.
   */
  key(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>, at?: Point): boolean {
    const key = e.key.toLowerCase();
    if (e.ctrlKey || e.metaKey) {
      if ((key === 'z' && e.shiftKey) || key === 'y') this.redo();
      else if (key === 'z') this.undo();
      else return false;
    } else if (key === 'b') this.tool = 'brush';
    else if (key === 'e') this.tool = 'eraser';
    else if (key === '[') this.stepBrush(-1);
    else if (key === ']') this.stepBrush(1);
    else if (key === '0') this.fit();
    else if (key === '1') this.oneToOne(at);
    else if (key === '+' || key === '=') this.zoom(1.5, at);
    else if (key === '-') this.zoom(1 / 1.5, at);
    else if (key === 'escape' && this.stroking) this.cancelStroke();
    else return false;
    return true;
  }

  /** The area repainted since the last call (null: nothing to do). */
  takeDirty(): Rect | null {
    const d = this.dirty;
    this.dirty = null;
    return d;
  }

  /** After a successful re-run the current mask is the "saved" one. */
  markSaved(): void {
    this.edited = false;
  }

  private wholeMaskEdit(edit: (m: Mask) => Rect, label: string): void {
    if (!this.mask || this.stroke) return;
    this.history.begin(this.mask);
    this.finishEdit(edit(this.mask), label);
  }

  private finishEdit(rect: Rect | null, label: string): void {
    if (!this.mask) return;
    this.history.commit(this.mask, rect, label);
    if (this.history.canUndo) this.edited = true;
    this.markDirty(rect);
    this.syncHistory();
  }

  private afterHistory(rect: Rect): void {
    this.edited = true;
    this.markDirty(rect);
    this.syncHistory();
  }

  private syncHistory(): void {
    this.canUndo = this.history.canUndo;
    this.canRedo = this.history.canRedo;
  }

  private markDirty(rect: Rect | null): void {
    if (!rect) return;
    this.dirty = unionRect(this.dirty, rect);
    this.revision++;
  }

  private markAll(): void {
    if (this.mask) this.markDirty({ x: 0, y: 0, w: this.mask.width, h: this.mask.height });
  }
}
