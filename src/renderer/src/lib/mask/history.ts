/**
 * Undo/redo for mask edits with bounded memory. Each step stores the changed
 * rectangle before and after, run-length encoded (masks are mostly long runs of
 * 0 or 255, so a full-scan grow/shrink step usually costs kilobytes, not the
 * megabytes of a raw copy; noisy edits fall back to raw bytes). The oldest steps are dropped past `maxBytes`.
 */
import { cloneMask, readRect, writeRect, type Mask, type Rect } from './mask.ts';

/** Runs as (value, length) pairs packed into one Uint32Array: [v0, n0, v1, n1, …]. */
export function encodeRuns(pixels: Uint8Array): Uint32Array {
  const runs: number[] = [];
  let i = 0;
  while (i < pixels.length) {
    const value = pixels[i];
    let j = i + 1;
    while (j < pixels.length && pixels[j] === value) j++;
    runs.push(value, j - i);
    i = j;
  }
  return Uint32Array.from(runs);
}

export function decodeRuns(runs: Uint32Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (let k = 0; k < runs.length; k += 2) {
    out.fill(runs[k], at, at + runs[k + 1]);
    at += runs[k + 1];
  }
  return out;
}

/** Runs when they are smaller, raw bytes when not (noise compresses badly as runs). */
type Packed = Uint32Array | Uint8Array;

function pack(pixels: Uint8Array): Packed {
  const runs = encodeRuns(pixels);
  return runs.byteLength < pixels.byteLength ? runs : pixels;
}

function unpack(p: Packed, length: number): Uint8Array {
  return p instanceof Uint8Array ? p : decodeRuns(p, length);
}

interface Step {
  label: string;
  rect: Rect;
  before: Packed;
  after: Packed;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const stepBytes = (s: Step) => s.before.byteLength + s.after.byteLength + 64;

export class MaskHistory {
  private undoSteps: Step[] = [];
  private redoSteps: Step[] = [];
  private bytes = 0;
  private snapshot: Mask | null = null;

  /** @param maxBytes memory budget for all steps (default 64 MiB). */
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get canUndo(): boolean {
    return this.undoSteps.length > 0;
  }
  get canRedo(): boolean {
    return this.redoSteps.length > 0;
  }
  get size(): number {
    return this.undoSteps.length;
  }
  get memoryBytes(): number {
    return this.bytes;
  }

  /** Call before an edit (a stroke, a grow…): remembers the mask as it is. */
  begin(mask: Mask): void {
    this.snapshot = cloneMask(mask);
  }

  /** Call after the edit with the area it touched; records one undo step. */
  commit(mask: Mask, rect: Rect | null, label: string): void {
    const before = this.snapshot;
    this.snapshot = null;
    if (!before || !rect || rect.w <= 0 || rect.h <= 0) return;
    const old = readRect(mask, rect, before.data);
    const now = readRect(mask, rect);
    if (sameBytes(old, now)) return; // nothing changed: no empty undo steps
    this.push({ label, rect, before: pack(old), after: pack(now) });
  }

  /** Drops the pending `begin` (e.g. a stroke cancelled with Escape) after restoring it. */
  cancel(mask: Mask): void {
    if (this.snapshot) mask.data.set(this.snapshot.data);
    this.snapshot = null;
  }

  /** Reverts the last step; returns the changed area or null. */
  undo(mask: Mask): Rect | null {
    return this.replay(mask, this.undoSteps, this.redoSteps, 'before');
  }

  /** Re-applies the last undone step; returns the changed area or null. */
  redo(mask: Mask): Rect | null {
    return this.replay(mask, this.redoSteps, this.undoSteps, 'after');
  }

  /** Moves the last step of `from` to `to`, writing its `side` into the mask. */
  private replay(mask: Mask, from: Step[], to: Step[], side: 'before' | 'after'): Rect | null {
    const step = from.pop();
    if (!step) return null;
    writeRect(mask, step.rect, unpack(step[side], step.rect.w * step.rect.h));
    to.push(step);
    return step.rect;
  }

  /** Label of the step `undo` would revert. */
  get nextUndoLabel(): string | null {
    return this.undoSteps.at(-1)?.label ?? null;
  }

  clear(): void {
    this.undoSteps = [];
    this.redoSteps = [];
    this.bytes = 0;
    this.snapshot = null;
  }

  private push(step: Step): void {
    for (const s of this.redoSteps) this.bytes -= stepBytes(s);
    this.redoSteps = [];
    this.undoSteps.push(step);
    this.bytes += stepBytes(step);
    // Keep at least the newest step even if it alone is over budget.
    while (this.bytes > this.maxBytes && this.undoSteps.length > 1) {
      this.bytes -= stepBytes(this.undoSteps.shift()!);
    }
  }
}
