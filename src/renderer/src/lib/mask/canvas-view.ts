/**
 * The mask editor's drawing: the photo with the mask over it in red at the editor's zoom, and the brush outline.
 * The mask is copied into an overlay canvas at image resolution one dirty rectangle at a time, so painting a
 * stroke on a scan of tens of megapixels redraws only what the brush touched.
 */
import type { Mask, Rect } from './mask.ts';
import type { Size, View } from './viewport.ts';

const OVERLAY_RGB = [255, 48, 48] as const;

/** An empty overlay for a mask of this size. */
export function createOverlay(size: Size): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = size.width;
  c.height = size.height;
  return c;
}

/** Copies `rect` of the mask into the overlay: red where the mask is on, clear elsewhere. */
export function paintOverlay(overlay: HTMLCanvasElement, mask: Mask, rect: Rect): void {
  const ctx = overlay.getContext('2d');
  if (!ctx) return;
  const pixels = new ImageData(rect.w, rect.h);
  const out = pixels.data;
  for (let row = 0; row < rect.h; row++) {
    let src = (rect.y + row) * mask.width + rect.x;
    let dst = row * rect.w * 4;
    for (let col = 0; col < rect.w; col++, src++, dst += 4) {
      if (mask.data[src] !== 0) {
        out[dst] = OVERLAY_RGB[0];
        out[dst + 1] = OVERLAY_RGB[1];
        out[dst + 2] = OVERLAY_RGB[2];
        out[dst + 3] = 255;
      }
    }
  }
  ctx.putImageData(pixels, rect.x, rect.y);
}

/** What one frame shows; `photo` and `overlay` are null while the photo loads (the canvas is cleared). */
export interface Scene {
  photo: HTMLImageElement | null;
  overlay: HTMLCanvasElement | null;
  view: View;
  /** The canvas's CSS size and the screen's pixel ratio. */
  viewSize: Size;
  dpr: number;
  /** The brush outline at the pointer (CSS px, radius on screen); null while panning or off the canvas. */
  brush: { x: number; y: number; radius: number; eraser: boolean } | null;
}

export function drawScene(canvas: HTMLCanvasElement, scene: Scene): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { viewSize, dpr, view: v, photo, overlay, brush } = scene;
  const width = Math.round(viewSize.width * dpr);
  const height = Math.round(viewSize.height * dpr);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!photo || !overlay) return;
  ctx.setTransform(dpr * v.scale, 0, 0, dpr * v.scale, dpr * v.x, dpr * v.y);
  // Smooth when zoomed out; crisp pixels when zoomed in, so single pixels can be painted.
  ctx.imageSmoothingEnabled = v.scale * dpr < 1;
  ctx.drawImage(photo, 0, 0);
  ctx.globalAlpha = 0.5;
  ctx.drawImage(overlay, 0, 0);
  ctx.globalAlpha = 1;
  if (!brush) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.beginPath();
  ctx.arc(brush.x, brush.y, Math.max(1, brush.radius), 0, Math.PI * 2);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = brush.eraser ? 'rgba(80,200,255,0.9)' : 'rgba(255,255,255,0.9)';
  ctx.stroke();
}

/** Offers `blob` as a download named `fileName` (the browser's own save, which both modes have). */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
