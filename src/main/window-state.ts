/**
 * Where the window was and how large, kept in `<userData>/window.json` so the
 * app opens as the user left it. Plain Node: the Electron side (window.ts)
 * hands in the displays' work areas and the window's bounds.
 *
 * A saved position is used only where enough of the title bar would land on a
 * display that is there now (a monitor unplugged since must not open the
 * window off screen); otherwise the window opens centred at the saved size,
 * made to fit the largest display.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent: centred on the primary display. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW: WindowState = { width: 1400, height: 900, maximized: false };
export const MIN_WINDOW = { width: 900, height: 600 };
const FILE = 'window.json';
/** How much of the window's top strip must be on a display to be grabbed and moved. */
const GRAB = { width: 120, height: 32 };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e6;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  };
}

/** The saved state made safe for the displays there are now; defaults when nothing usable was saved. */
export function loadWindowState(userData: string, workAreas: Rect[]): WindowState {
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(readFileSync(join(userData, FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    return { ...DEFAULT_WINDOW };
  }
  if (typeof saved !== 'object' || saved === null || !isInt(saved.width) || !isInt(saved.height))
    return { ...DEFAULT_WINDOW };
  const largest = workAreas.reduce<Rect | null>(
    (best, a) => (!best || a.width * a.height > best.width * best.height ? a : best),
    null
  );
  const width = Math.max(MIN_WINDOW.width, Math.min(saved.width, largest?.width ?? saved.width));
  const height = Math.max(MIN_WINDOW.height, Math.min(saved.height, largest?.height ?? saved.height));
  const state: WindowState = { width, height, maximized: saved.maximized === true };
  if (isInt(saved.x) && isInt(saved.y)) {
    const titleBar = { x: saved.x, y: saved.y, width, height: GRAB.height };
    const grabbable = workAreas.some((a) => {
      const o = overlap(titleBar, a);
      return o.width >= Math.min(GRAB.width, width) && o.height >= GRAB.height;
    });
    if (grabbable) Object.assign(state, { x: saved.x, y: saved.y });
  }
  return state;
}

/** Written to a temp file and renamed, so a crash never leaves half a file. */
export function saveWindowState(userData: string, bounds: Rect, maximized: boolean): void {
  const state: WindowState = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized
  };
  mkdirSync(userData, { recursive: true });
  const file = join(userData, FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
