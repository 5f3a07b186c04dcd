/**
 * The four stages run tile by tile over a whole photo. All tiling is planned
 * in latent units (image / 4) so that encode, map and decode share one grid:
 * the encoder's latent tiles blend into a full-image latent (the cache), map
 * runs on overlapping latent tiles, and decode blends image tiles into a strip
 * that is quantised into the output as soon as its rows are final.
 */
import { readSync } from 'node:fs';
import { StudioError } from '../../shared/errors.ts';
import { packHalf, toHalf, unpackHalf } from './half.ts';
import type { ModelSet, StageName } from './manifest.ts';
import type { ModelSessions } from './sessions.ts';
import { type AxisPlan, ceilTo, planAxis, reflect, scalePlan, StripBlender } from './tiling.ts';

/** Progress of the engine, one event per stage start/end and per tile. */
export type StageEvent =
  | { type: 'stage'; stage: StageName; phase: 'start' }
  | { type: 'stage'; stage: StageName; phase: 'end'; seconds: number }
  | { type: 'tile'; stage: StageName; tile: number; tiles: number };

/** Everything a stage run needs besides its data. */
export interface StageContext {
  sessions: ModelSessions;
  onEvent?: (e: StageEvent) => void;
  signal?: AbortSignal;
  /** Overrides the manifest's tile size (image pixels), e.g. a huge tile for a whole-image run. */
  tile?: number;
}

/** How a photo of `width`×`height` maps onto the latent grid. */
export interface Geometry {
  width: number;
  height: number;
  latH: number;
  latW: number;
  channels: number;
  planY: AxisPlan;
  planX: AxisPlan;
}

export function geometry(models: ModelSet, width: number, height: number, tileOverride?: number): Geometry {
  const m = models.manifest;
  const latMultiple = Math.max(
    1,
    m.stages.map.spatialMultiple,
    m.stages.decode.spatialMultiple,
    Math.ceil(m.stages.encode.spatialMultiple / 4)
  );
  // At least 4 latent cells per side: reflection padding inside the networks needs a few cells to mirror.
  const minLat = ceilTo(4, latMultiple);
  const latH = Math.max(minLat, ceilTo(Math.ceil(height / 4), latMultiple));
  const latW = Math.max(minLat, ceilTo(Math.ceil(width / 4), latMultiple));
  const tile = Math.max(4 * latMultiple, Math.floor((tileOverride ?? m.tiling.tile) / 4));
  const overlap = Math.ceil(m.tiling.overlap / 4);
  return {
    width,
    height,
    latH,
    latW,
    channels: m.latentChannels,
    planY: planAxis(latH, tile, overlap, latMultiple),
    planX: planAxis(latW, tile, overlap, latMultiple)
  };
}

/** Times a stage and reports its start and end. */
export async function timed<T>(ctx: StageContext, stage: StageName, work: () => Promise<T>): Promise<T> {
  ctx.onEvent?.({ type: 'stage', stage, phase: 'start' });
  const t0 = performance.now();
  const result = await work();
  ctx.onEvent?.({ type: 'stage', stage, phase: 'end', seconds: (performance.now() - t0) / 1000 });
  return result;
}

/**
 * Visits every tile of the latent plan row by row (only the `only` ones when given), with cancel checks and
 * tile events; `visit` gets the tile's indices and its top-left latent cell.
 */
async function eachTile(
  ctx: StageContext,
  stage: StageName,
  g: Geometry,
  only: boolean[] | undefined,
  visit: (iy: number, ix: number, y0: number, x0: number) => Promise<void>
): Promise<void> {
  const { planY, planX } = g;
  const tiles = only ? only.filter(Boolean).length : planY.starts.length * planX.starts.length;
  let n = 0;
  for (let iy = 0; iy < planY.starts.length; iy++) {
    for (let ix = 0; ix < planX.starts.length; ix++) {
      if (only && !only[iy * planX.starts.length + ix]) continue;
      if (ctx.signal?.aborted) throw new StudioError('cancelled', 'restore cancelled');
      await visit(iy, ix, planY.starts[iy]!, planX.starts[ix]!);
      ctx.onEvent?.({ type: 'tile', stage, tile: ++n, tiles });
    }
  }
}

/** Pixel source for the encoder: interleaved 8/16-bit pixels read with reflection padding. */
export interface PixelSource {
  width: number;
  height: number;
  channels: 1 | 3;
  bitDepth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/** Encodes the whole photo into a full-image latent [C][latH][latW] of half floats (half.ts). */
export async function encodeFull(ctx: StageContext, src: PixelSource, g: Geometry): Promise<Uint16Array> {
  const latent = new Uint16Array(g.channels * g.latH * g.latW);
  const plane = g.latH * g.latW;
  const blender = new StripBlender(g.channels, g.latW, g.latH, g.planY.size, (y0, rows, data) => {
    for (let c = 0; c < g.channels; c++)
      packHalf(data.subarray(c * rows * g.latW, (c + 1) * rows * g.latW), latent, c * plane + y0 * g.latW);
  });
  const scale = 2 / (src.bitDepth === 16 ? 65535 : 255);
  const size = g.planY.size * 4;
  const sizeX = g.planX.size * 4;
  const input = new Float32Array(3 * size * sizeX);
  await eachTile(ctx, 'encode', g, undefined, async (iy, ix, latY, latX) => {
    const y0 = latY * 4;
    const x0 = latX * 4;
    for (let y = 0; y < size; y++) {
      const sy = reflect(y0 + y, src.height);
      for (let x = 0; x < sizeX; x++) {
        const p = (sy * src.width + reflect(x0 + x, src.width)) * src.channels;
        for (let c = 0; c < 3; c++)
          input[(c * size + y) * sizeX + x] = src.data[p + (src.channels === 3 ? c : 0)]! * scale - 1;
      }
    }
    const out = await ctx.sessions.run('encode', { image: { data: input, dims: [1, 3, size, sizeX] } });
    checkDims('encode', out.dims, [1, g.channels, g.planY.size, g.planX.size]);
    blender.add(out.data, latY, latX, g.planY.size, g.planX.size, g.planY.weights[iy]!, g.planX.weights[ix]!);
  });
  blender.finish();
  return latent;
}

/**
 * Runs the mapping network over the latent in overlapping tiles; `mask` is [latH][latW], 1 = defect.
 * Works in place: the blender only flushes rows above the current row of tiles, which no later tile
 * reads, so the input latent is overwritten with the mapped one and no second latent is allocated.
 */
export async function mapFull(
  ctx: StageContext,
  latent: LatentInput,
  mask: Float32Array,
  g: Geometry,
  context: Float32Array | null,
  inc?: Incremental<Uint16Array>
): Promise<Uint16Array> {
  if (!inc && !(latent instanceof Uint16Array))
    throw new StudioError('internal', 'a full map needs the latent in memory');
  const out = inc?.base ?? (latent as Uint16Array);
  const plane = g.latH * g.latW;
  const blender = new StripBlender(g.channels, g.latW, g.latH, g.planY.size, (y0, rows, data) => {
    if (!inc) {
      for (let c = 0; c < g.channels; c++)
        packHalf(data.subarray(c * rows * g.latW, (c + 1) * rows * g.latW), out, c * plane + y0 * g.latW);
      return;
    }
    for (let r = 0; r < rows; r++)
      for (let x = 0; x < g.latW; x++) {
        if (!inc.fresh[(y0 + r) * g.latW + x]) continue;
        for (let c = 0; c < g.channels; c++)
          out[c * plane + (y0 + r) * g.latW + x] = toHalf(data[(c * rows + r) * g.latW + x]!);
      }
  });
  const th = g.planY.size;
  const tw = g.planX.size;
  const tileLatent = new Float32Array(g.channels * th * tw);
  const rowHalves = new Uint16Array(tw);
  const tileMask = new Float32Array(th * tw);
  await eachTile(ctx, 'map', g, inc?.run, async (iy, ix, y0, x0) => {
    for (let c = 0; c < g.channels; c++)
      for (let y = 0; y < th; y++) {
        const from = c * plane + (y0 + y) * g.latW + x0;
        if (latent instanceof Uint16Array) unpackHalf(latent, from, tw, tileLatent, (c * th + y) * tw);
        else {
          readSync(latent.fd, new Uint8Array(rowHalves.buffer), 0, tw * 2, from * 2);
          unpackHalf(rowHalves, 0, tw, tileLatent, (c * th + y) * tw);
        }
      }
    for (let y = 0; y < th; y++)
      tileMask.set(mask.subarray((y0 + y) * g.latW + x0, (y0 + y) * g.latW + x0 + tw), y * tw);
    const res = await ctx.sessions.run('map', {
      latent: { data: tileLatent, dims: [1, g.channels, th, tw] },
      mask: { data: tileMask, dims: [1, 1, th, tw] },
      ...(context ? { context: { data: context, dims: [1, context.length] } } : {})
    });
    checkDims('map', res.dims, [1, g.channels, th, tw]);
    blender.add(res.data, y0, x0, th, tw, g.planY.weights[iy]!, g.planX.weights[ix]!);
  });
  blender.finish();
  return out;
}

/** The latent of a map run: in memory, or (partial re-runs) read tile by tile from the cache file. */
export type LatentInput = Uint16Array | { fd: number };

/** A partial run: only `run` tiles execute, only `fresh` latent cells take new values, the rest keep `base`. */
export interface Incremental<T> {
  run: boolean[];
  fresh: Uint8Array;
  base: T;
}

/** Output pixels: interleaved, cropped to the photo, grey if the photo was. */
export interface DecodedImage {
  channels: 1 | 3;
  data: Uint8Array | Uint16Array;
}

/** Decodes the latent into final output pixels without holding a full-size float image. */
export async function decodeFull(
  ctx: StageContext,
  latent: Uint16Array,
  g: Geometry,
  channels: 1 | 3,
  bitDepth: 8 | 16,
  tone: Float32Array | null,
  inc?: Incremental<Uint8Array | Uint16Array>
): Promise<DecodedImage> {
  const { width, height } = g;
  const data =
    inc?.base ??
    (bitDepth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels));
  const max = bitDepth === 16 ? 65535 : 255;
  const planY = scalePlan(g.planY, 4);
  const planX = scalePlan(g.planX, 4);
  const imgW = g.latW * 4;
  const blender = new StripBlender(3, imgW, g.latH * 4, planY.size, (y0, rows, strip) => {
    const plane = rows * imgW;
    for (let r = 0; r < rows && y0 + r < height; r++) {
      const cellRow = ((y0 + r) >> 2) * g.latW;
      for (let x = 0; x < width; x++) {
        if (inc && !inc.fresh[cellRow + (x >> 2)]) continue;
        const i = r * imgW + x;
        const o = ((y0 + r) * width + x) * channels;
        if (channels === 1) data[o] = quantise((strip[i]! + strip[plane + i]! + strip[2 * plane + i]!) / 3, max);
        else for (let c = 0; c < 3; c++) data[o + c] = quantise(strip[c * plane + i]!, max);
      }
    }
  });
  const th = g.planY.size;
  const tw = g.planX.size;
  const plane = g.latH * g.latW;
  const tile = new Float32Array(g.channels * th * tw);
  await eachTile(ctx, 'decode', g, inc?.run, async (iy, ix, y0, x0) => {
    for (let c = 0; c < g.channels; c++)
      for (let y = 0; y < th; y++) unpackHalf(latent, c * plane + (y0 + y) * g.latW + x0, tw, tile, (c * th + y) * tw);
    const res = await ctx.sessions.run('decode', {
      latent: { data: tile, dims: [1, g.channels, th, tw] },
      ...(tone ? { tone: { data: tone, dims: [1, tone.length] } } : {})
    });
    checkDims('decode', res.dims, [1, 3, th * 4, tw * 4]);
    blender.add(res.data, y0 * 4, x0 * 4, th * 4, tw * 4, planY.weights[iy]!, planX.weights[ix]!);
  });
  blender.finish();
  return { channels, data };
}

function quantise(v: number, max: number): number {
  const q = Math.round(((v + 1) / 2) * max);
  return q < 0 ? 0 : q > max ? max : q;
}

function checkDims(stage: StageName, got: readonly number[], want: number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new StudioError(
      'model',
      `stage "${stage}" returned shape [${got.join(', ')}], expected [${want.join(', ')}]: the model does not follow the stage contract`
    );
  }
}
