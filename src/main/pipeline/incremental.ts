/**
 * Which tiles a mask edit touches. A map tile's output depends only on the
 * latent and mask inside it (the non-local block attends within the tile), so
 * after an edit only tiles whose mask changed map differently; a blended value
 * changes only where such a tile covers it, and recomputing it needs every
 * tile covering it. The same holds for decode one step later. A mapping-only
 * re-run therefore runs a few tiles and keeps the parent's values elsewhere.
 */
import type { Geometry } from './stages.ts';

/** Tiles to run and the latent cells whose value is recomputed (the rest comes from the parent). */
export interface TileSelection {
  /** Per tile (row-major: iy * tilesX + ix), whether it runs. */
  run: boolean[];
  /** [latH][latW]: 1 where the recomputed value replaces the parent's. */
  fresh: Uint8Array;
  /** Tiles whose own output changed. */
  dirty: number;
}

/** Latent cells where the two latent masks differ. */
export function changedCells(before: Float32Array, after: Float32Array): Uint8Array {
  const out = new Uint8Array(after.length);
  for (let i = 0; i < out.length; i++) out[i] = before[i] !== after[i] ? 1 : 0;
  return out;
}

/** Tiles whose region contains a marked cell. */
export function tilesTouching(g: Geometry, cells: Uint8Array): boolean[] {
  const { planY, planX, latW } = g;
  const out: boolean[] = [];
  for (const y0 of planY.starts)
    for (const x0 of planX.starts) {
      let hit = false;
      for (let y = y0; y < y0 + planY.size && !hit; y++) {
        const row = y * latW;
        for (let x = x0; x < x0 + planX.size; x++)
          if (cells[row + x]) {
            hit = true;
            break;
          }
      }
      out.push(hit);
    }
  return out;
}

/** Cells covered by the chosen tiles. */
export function covered(g: Geometry, tiles: boolean[]): Uint8Array {
  const { planY, planX, latW } = g;
  const out = new Uint8Array(g.latH * latW);
  planY.starts.forEach((y0, iy) =>
    planX.starts.forEach((x0, ix) => {
      if (!tiles[iy * planX.starts.length + ix]) return;
      for (let y = y0; y < y0 + planY.size; y++) out.fill(1, y * latW + x0, y * latW + x0 + planX.size);
    })
  );
  return out;
}

/** Given the cells whose input changed, the tiles to run and the cells to take from them. */
export function selectTiles(g: Geometry, changed: Uint8Array): TileSelection {
  const dirty = tilesTouching(g, changed);
  const fresh = covered(g, dirty);
  return { run: tilesTouching(g, fresh), fresh, dirty: dirty.filter(Boolean).length };
}
