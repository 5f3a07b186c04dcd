/**
 * One photo through the engine: decode → (detect) → encode → map → decode →
 * PNG, plus the latent cache that lets an edited mask re-run only map + decode
 * (`rerun.ts`).
 * Outputs are staged and committed together, so a failure or a cancel leaves
 * nothing behind; the original file is only ever read.
 */
import { StudioError } from '../../shared/errors.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';
import { commitAll, exists, ioError, type StagedFile, stageFile } from './atomic-write.ts';
import { encodeMaskPng, encodePng, readMask, readSource } from './image-io.ts';
import { changedCells, selectTiles } from './incremental.ts';
import { latentContext, takesContext } from './context.ts';
import { photoTone, takesTone, TONE_PARAMS } from './tone.ts';
import { type LatentHeader, writeLatentCache, writeMapped } from './latent-cache-files.ts';
import type { ModelSet } from './manifest.ts';
import { coverage, detectMask, latentMask } from './mask.ts';
import type { ModelSessions } from './sessions.ts';
import {
  type Incremental,
  type LatentInput,
  type StageContext,
  decodeFull,
  encodeFull,
  geometry,
  mapFull,
  timed
} from './stages.ts';

export type ScratchMode = 'auto' | 'on' | 'off';

/** A detected mask covering less than this share of the photo counts as "nothing significant" for `auto`. */
export const AUTO_MIN_COVERAGE = 0.0005;

/** Options of one restore. */
export interface RestoreOptions extends Omit<StageContext, 'sessions'> {
  outPath: string;
  overwrite?: boolean;
  scratches?: ScratchMode;
  /** A full-resolution mask PNG to use instead of detection (white = defect). */
  maskPath?: string;
  /** Also write the mask used, as an 8-bit PNG. */
  maskOutPath?: string | null;
  /** Keep the latent + mask here for mapping-only re-runs. */
  cacheDir?: string | null;
  /** The library's turn and crop of the photo, applied after its EXIF orientation. */
  frame?: PhotoFrame;
}

/** What a restore did. */
export interface RestoreResult {
  outPath: string;
  maskPath: string | null;
  cacheDir: string | null;
  width: number;
  height: number;
  bitDepth: 8 | 16;
  channels: 1 | 3;
  /** Whether a non-empty defect mask went into the mapping. */
  scratchesUsed: boolean;
  maskCoverage: number;
  /** Seconds per stage that ran; stages absent here did not run. */
  seconds: Partial<Record<'detect' | 'encode' | 'map' | 'decode', number>>;
}

async function refuseExisting(paths: (string | null | undefined)[], overwrite: boolean): Promise<void> {
  if (overwrite) return;
  for (const p of paths)
    if (p && (await exists(p))) throw ioError(p, Object.assign(new Error('exists'), { code: 'EEXIST' }));
}

/**
 * Starts a restore or re-run: refuses outputs that exist unless `overwrite`, and builds a stage context
 * that also records each stage's seconds for the result, passing events on to the caller.
 */
export async function startRun(
  sessions: ModelSessions,
  options: Pick<RestoreOptions, 'outPath' | 'maskOutPath' | 'overwrite' | 'signal' | 'tile' | 'onEvent'>
): Promise<{ ctx: StageContext; seconds: RestoreResult['seconds']; overwrite: boolean }> {
  const overwrite = options.overwrite ?? false;
  await refuseExisting([options.outPath, options.maskOutPath], overwrite);
  const seconds: RestoreResult['seconds'] = {};
  const ctx: StageContext = {
    sessions,
    signal: options.signal,
    tile: options.tile,
    onEvent: (e) => {
      if (e.type === 'stage' && e.phase === 'end') seconds[e.stage] = e.seconds;
      options.onEvent?.(e);
    }
  };
  return { ctx, seconds, overwrite };
}

export async function restoreFile(
  sessions: ModelSessions,
  inputPath: string,
  options: RestoreOptions
): Promise<RestoreResult> {
  const { ctx, seconds, overwrite } = await startRun(sessions, options);
  const models = sessions.models;
  let src: Awaited<ReturnType<typeof readSource>> | null = await readSource(inputPath, options.frame);
  const g = geometry(models, src.width, src.height, options.tile);
  const mode = options.scratches ?? 'auto';
  let mask: Uint8Array;
  if (options.maskPath) mask = await readMask(options.maskPath, src.width, src.height);
  else if (mode === 'off') mask = new Uint8Array(src.width * src.height);
  else mask = await detectMask(ctx, models, src);
  if (!options.maskPath && mode === 'auto' && coverage(mask) < AUTO_MIN_COVERAGE) mask.fill(0);
  let pixels: typeof src | null = src;
  // the tone is part of encoding the photo: a few milliseconds on a thumbnail, timed and reported with the encoder
  const [latent, tone] = await timed(
    ctx,
    'encode',
    async () => [await encodeFull(ctx, pixels!, g), takesTone(models) ? await photoTone(ctx, pixels!) : null] as const
  );
  const header: LatentHeader = {
    format: 2,
    modelId: models.manifest.modelId,
    encodeSha256: models.manifest.stages.encode.sha256,
    channels: g.channels,
    latH: g.latH,
    latW: g.latW,
    width: src.width,
    height: src.height,
    imageChannels: src.channels,
    bitDepth: src.bitDepth,
    exif: src.exif,
    hadIcc: src.hadIcc,
    ...(src.density ? { density: src.density } : {}),
    ...(takesContext(models) ? { context: Array.from(latentContext(latent, g.channels, g.latH * g.latW)) } : {}),
    ...(tone ? { tone: Array.from(tone) } : {})
  };
  // eslint-disable-next-line no-useless-assignment -- dropping the references is the point: the pixels can be freed
  src = pixels = null; // the decoded photo is not needed past the encoder: a 24 MP scan's pixels can go before decode
  const needMaskPng = options.maskOutPath || options.cacheDir;
  const maskPng = needMaskPng
    ? await encodeMaskPng(
        mask.map((v) => v * 255),
        header.width,
        header.height
      )
    : null;
  if (options.cacheDir) await writeLatentCache(options.cacheDir, header, latent, maskPng!);
  const result = await mapAndWrite(ctx, header, latent, mask, { ...options, overwrite }, maskPng, {
    cacheDir: options.cacheDir
  });
  return { ...result, cacheDir: options.cacheDir ?? null, seconds };
}

/** What a re-run keeps from its parent version: outside the tiles an edit touches, its values stand. */
export interface PreviousRun {
  mapped: Uint16Array;
  latMask: Float32Array;
  pixels: Uint8Array | Uint16Array;
}

/** Map + decode + write; with `previous`, only the tiles the mask change touches run. */
export async function mapAndWrite(
  ctx: StageContext,
  header: LatentHeader,
  latent: LatentInput,
  mask: Uint8Array,
  options: { outPath: string; overwrite: boolean; maskOutPath?: string | null },
  maskPng: Buffer | null,
  extra: { cacheDir?: string | null; previous?: PreviousRun | null } = {}
): Promise<Omit<RestoreResult, 'cacheDir' | 'seconds'>> {
  const g = geometry(ctx.sessions.models, header.width, header.height, ctx.tile);
  if (g.latH !== header.latH || g.latW !== header.latW || g.channels !== header.channels) {
    throw new StudioError('conflict', 'latent cache does not match the current model geometry; run a full restore');
  }
  const cover = coverage(mask);
  const latMask = latentMask(
    mask,
    header.width,
    header.height,
    g.latH,
    g.latW,
    ctx.sessions.models.manifest.detect.dilate
  );
  let mapInc: Incremental<Uint16Array> | undefined;
  let decodeInc: Incremental<Uint8Array | Uint16Array> | undefined;
  if (extra.previous) {
    const map = selectTiles(g, changedCells(extra.previous.latMask, latMask));
    const decode = selectTiles(g, map.fresh);
    mapInc = { run: map.run, fresh: map.fresh, base: extra.previous.mapped };
    decodeInc = { run: decode.run, fresh: decode.fresh, base: extra.previous.pixels };
  }
  const mapped = await timed(ctx, 'map', () =>
    mapFull(ctx, latent, latMask, g, photoContext(ctx.sessions.models, header), mapInc)
  );
  if (extra.cacheDir) await writeMapped(extra.cacheDir, mapped);
  const tone = photoToneOf(ctx.sessions.models, header);
  const pixels = await timed(ctx, 'decode', () =>
    decodeFull(ctx, mapped, g, header.imageChannels, header.bitDepth, tone, decodeInc)
  );
  if (ctx.signal?.aborted) throw new StudioError('cancelled', 'restore cancelled');
  const staged: StagedFile[] = [];
  try {
    const png = await encodePng(pixels.data, header.width, header.height, pixels.channels, header);
    staged.push(await stageFile(options.outPath, png, options.overwrite));
    if (options.maskOutPath)
      staged.push(
        await stageFile(
          options.maskOutPath,
          maskPng ??
            (await encodeMaskPng(
              mask.map((v) => v * 255),
              header.width,
              header.height
            )),
          options.overwrite
        )
      );
    if (ctx.signal?.aborted) throw new StudioError('cancelled', 'restore cancelled');
    await commitAll(staged);
  } catch (err) {
    await Promise.all(staged.map((f) => f.abort()));
    throw err;
  }
  return {
    outPath: options.outPath,
    maskPath: options.maskOutPath ?? null,
    width: header.width,
    height: header.height,
    bitDepth: header.bitDepth,
    channels: header.imageChannels,
    scratchesUsed: cover > 0,
    maskCoverage: cover
  };
}

/** The header's context, checked against what the mapping takes. */
function photoContext(models: ModelSet, header: LatentHeader): Float32Array | null {
  return takesContext(models) ? cachedVector(header.context, 2 * header.channels, 'photo context') : null;
}

/** The header's tone, checked against what decode takes. */
function photoToneOf(models: ModelSet, header: LatentHeader): Float32Array | null {
  return takesTone(models) ? cachedVector(header.tone, TONE_PARAMS, 'photo tone') : null;
}

/**
 * A per-photo vector the latent cache keeps for re-runs; a cache written without it (or damaged) needs a full restore.
 */
function cachedVector(values: number[] | undefined, length: number, what: string): Float32Array {
  if (!values || values.length !== length || !values.every(Number.isFinite)) {
    throw new StudioError('conflict', `the latent cache has no ${what} for this model; run a full restore`);
  }
  return Float32Array.from(values);
}
