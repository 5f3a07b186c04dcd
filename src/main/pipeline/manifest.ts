/**
 * The model manifest written by `training/export` (format 1): validated with
 * zod, every stage file checked for existence and sha256 before a session is
 * opened, so a swapped or truncated model is refused with a message that names
 * the file, the expected and the actual checksum.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../shared/errors.ts';

export const STAGES = ['detect', 'encode', 'map', 'decode'] as const;
/** The pipeline's stages, as progress and timings report them. */
export type StageName = (typeof STAGES)[number];
/** Every model file a set may hold: the photo-tone net runs once per photo, inside the encode step (tone.ts). */
export type ModelStage = StageName | 'tone';

const shape = z.array(z.union([z.number(), z.string()]));
const stageSchema = z.object({
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  inputs: z.record(z.string(), shape),
  outputs: z.record(z.string(), shape),
  spatialMultiple: z.number().int().positive(),
  normalisation: z.object({ range: z.tuple([z.number(), z.number()]), grayscale: z.boolean() })
});

const manifestSchema = z.object({
  format: z.literal(1),
  modelId: z.string().min(1),
  latentChannels: z.number().int().positive(),
  stages: z
    .object({
      detect: stageSchema,
      encode: stageSchema,
      map: stageSchema,
      decode: stageSchema,
      tone: stageSchema.optional()
    })
    // the tone vector comes from tone.onnx and goes into decode.onnx: a set with only one half cannot run
    .refine((s) => !!s.tone === 'tone' in s.decode.inputs, {
      message: 'a tone stage and a decode stage that takes "tone" come together (one is missing)'
    }),
  detect: z.object({
    threshold: z.number().min(0).max(1),
    workingLongSide: z.number().int().positive(),
    dilate: z.number().int().min(0),
    /**
     * Also detect on halved copies while their short side stays ≥ minSide, keeping their pieces of ≥ minArea px
     * (pyramid.ts); absent: full scale only.
     */
    pyramid: z
      .object({
        minSide: z.number().int().min(16),
        threshold: z.number().min(0).max(1),
        minArea: z.number().int().min(0)
      })
      .optional(),
    /**
     * Average the detector over this many mirror views (mask.ts): 1 the photo, 2
     * + left-right, 4 + upside down and both; absent: 1.
     */
    mirrors: z.union([z.literal(1), z.literal(2), z.literal(4)]).optional()
  }),
  tiling: z.object({ tile: z.number().int().positive(), overlap: z.number().int().min(0) }),
  macsPerPixel: z.number().optional(),
  training: z.unknown().optional(),
  metrics: z.unknown().optional(),
  licence: z.unknown().optional()
});

/** A validated manifest plus where it was found. */
export interface ModelSet {
  dir: string;
  manifest: z.infer<typeof manifestSchema>;
}

/** Reads and validates `<dir>/manifest.json`; the error lists every path tried. */
export async function loadModelSet(dirs: string | string[]): Promise<ModelSet> {
  const tried: string[] = [];
  for (const dir of Array.isArray(dirs) ? dirs : [dirs]) {
    const path = join(resolve(dir), 'manifest.json');
    tried.push(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new StudioError('model', `model manifest ${path} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StudioError(
        'model',
        `model manifest ${path} is invalid: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`
      );
    }
    return { dir: resolve(dir), manifest: parsed.data };
  }
  throw new StudioError('not-found', `no model manifest found; tried: ${tried.join(', ')}`);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Path of a stage file after checking it exists and matches its manifest checksum. */
export async function verifiedStagePath(set: ModelSet, stage: ModelStage): Promise<string> {
  const spec = set.manifest.stages[stage];
  if (!spec) throw new StudioError('model', `model set ${set.manifest.modelId} has no "${stage}" stage`);
  const path = join(set.dir, spec.file);
  try {
    await stat(path);
  } catch {
    throw new StudioError('not-found', `model file for stage "${stage}" is missing: ${path}`);
  }
  const actual = await sha256File(path);
  if (actual !== spec.sha256) {
    throw new StudioError(
      'model',
      `model file ${path} fails its checksum: manifest expects sha256 ${spec.sha256}, the file has ${actual}; reinstall the models`
    );
  }
  return path;
}
