/**
 * Input handling shared by the zoomable views (detail zoom, compare, mask
 * editor), so that the wheel zooms at the same rate and keys are ignored in
 * the same fields everywhere.
 */

/**
 * Calls `onSize` with the element's content size (CSS px, rounded) and the screen's pixel ratio whenever it changes.
 */
export function watchSize(
  el: HTMLElement,
  onSize: (size: { width: number; height: number }, dpr: number) => void
): () => void {
  const observer = new ResizeObserver(([entry]) => {
    const { width, height } = entry.contentRect;
    onSize({ width: Math.round(width), height: Math.round(height) }, window.devicePixelRatio || 1);
  });
  observer.observe(el);
  return () => observer.disconnect();
}

/** The zoom factor of one wheel event: lines (Firefox) step faster than pixels (trackpads, Chromium). */
export function wheelFactor(e: WheelEvent): number {
  return Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
}

/** Zooms on wheel events over `el`; the listener is not passive, so the page under it does not scroll. */
export function wheelZoom(el: HTMLElement, zoom: (factor: number, e: WheelEvent) => void): () => void {
  const onwheel = (e: WheelEvent): void => {
    e.preventDefault();
    zoom(wheelFactor(e), e);
  };
  el.addEventListener('wheel', onwheel, { passive: false });
  return () => el.removeEventListener('wheel', onwheel);
}

/** Whether a key press belongs to a field the user is typing in, where view shortcuts must not fire. */
export function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !['range', 'button', 'checkbox', 'radio'].includes(el.type);
}

type WindowListeners = { [K in keyof WindowEventMap]?: (e: WindowEventMap[K]) => void };

/** Adds these listeners to the window; returns what removes them all (an `$effect`'s cleanup). */
export function onWindow(listeners: WindowListeners): () => void {
  const entries = Object.entries(listeners) as [string, EventListener][];
  for (const [type, listener] of entries) window.addEventListener(type, listener);
  return () => entries.forEach(([type, listener]) => window.removeEventListener(type, listener));
}
