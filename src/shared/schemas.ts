/** zod schemas for every payload that crosses into main. */
import { z } from 'zod';
import { MAX_TILT } from './crop.ts';
import { PROVIDERS } from './providers.ts';
import { normalizeTaken, TAKEN_HINT } from './taken-date.ts';
import { EXPORT_FORMATS, EXPORT_MANIFEST_FORMATS, EXPORT_WHATS, ROTATIONS } from './types.ts';

export const photoId = z.number().int().positive();
export const albumId = z.number().int().positive();
export const tagName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  // eslint-disable-next-line no-control-regex -- tag names may not contain control characters
  .refine((v) => !/[\u0000-\u001f]/.test(v), 'tag names may not contain control characters');
export const albumName = z.string().trim().min(1).max(120);

export const libraryQuery = z.object({
  /** Free text over file names, tags and captions. */
  search: z.string().max(200).optional(),
  albumId: albumId.optional(),
  tag: tagName.optional(),
  /** true: only photos with a current restored version; false: only those without. */
  restored: z.boolean().optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(200),
  sort: z.enum(['imported', 'taken', 'name', 'album']).default('imported')
});
export type LibraryQuery = z.input<typeof libraryQuery>;

export const photoPatch = z
  .object({
    caption: z.string().max(4000).nullable().optional(),
    currentVersionId: z.number().int().positive().nullable().optional(),
    rotation: z.literal(ROTATIONS).optional(),
    /** Degrees clockwise, to a tenth (rounded); the crop, unless given too, follows into the new frame. */
    tilt: z.number().min(-MAX_TILT).max(MAX_TILT).optional(),
    /**
     * A rectangle of the photo as shown (turn and tilt applied); null shows all
     * of it. Checked against the photo's size in main.
     */
    crop: z
      .object({
        left: z.number().int().min(0),
        top: z.number().int().min(0),
        width: z.number().int().positive(),
        height: z.number().int().positive()
      })
      .strict()
      .nullable()
      .optional(),
    /** When it was taken, to the year, month, day or time (`shared/taken-date.ts`); null clears it. */
    takenAt: z
      .string()
      .max(40)
      .refine((v) => normalizeTaken(v) !== null, `the date taken must be ${TAKEN_HINT}`)
      .transform((v) => normalizeTaken(v)!)
      .nullable()
      .optional()
  })
  .strict();

const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\u0000'), 'paths may not contain NUL');

export const importRequest = z.object({
  paths: z.array(absolutePath).min(1).max(100_000),
  albumId: albumId.optional()
});

export const pickRequest = z.object({
  kind: z.enum(['files', 'folder']),
  albumId: albumId.optional()
});

export const exportId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'export ids are 1-64 letters, digits, - or _');

export const exportRequest = z
  .object({
    /** Chosen by the caller so it can cancel and match progress events before the call returns. */
    exportId: exportId.optional(),
    /** What to export: one album in its order, or photos by id in the order given (exactly one of the two). */
    albumId: albumId.optional(),
    photoIds: z.array(photoId).min(1).max(100_000).optional(),
    what: z.enum(EXPORT_WHATS).default('originals'),
    format: z.enum(EXPORT_FORMATS).default('jpeg'),
    quality: z.number().int().min(1).max(100).default(92),
    destination: z.object({
      kind: z.enum(['folder', 'zip']),
      path: absolutePath
    }),
    manifest: z.enum(EXPORT_MANIFEST_FORMATS).default('json')
  })
  .refine((r) => (r.albumId === undefined) !== (r.photoIds === undefined), {
    message: 'give either albumId (an album) or photoIds (a selection), not both or neither',
    path: ['albumId']
  });
export type ExportRequestInput = z.input<typeof exportRequest>;

/** Desktop only: the system's folder or save dialog picks where an export goes (`suggestedName`: the album's). */
export const exportDestinationRequest = z.object({
  kind: z.enum(['folder', 'zip']),
  suggestedName: z.string().trim().min(1).max(200)
});

/** What an export would write, asked before it runs: an album or a selection, as `exportRequest` names them. */
export const exportPreviewRequest = z
  .object({ albumId: albumId.optional(), photoIds: z.array(photoId).min(1).max(100_000).optional() })
  .refine((r) => (r.albumId === undefined) !== (r.photoIds === undefined), {
    message: 'give either albumId (an album) or photoIds (a selection), not both or neither',
    path: ['albumId']
  });
export type ExportRequest = z.output<typeof exportRequest>;

/** Restore jobs and versions. */
export const scratchMode = z.enum(['auto', 'on', 'off']);
export const jobId = z.number().int().positive();
export const versionId = z.number().int().positive();
export const restoreRequest = z.object({
  photoIds: z.array(photoId).min(1).max(100_000),
  scratches: scratchMode.default('auto')
});
export const rerunRequest = z.object({
  versionId,
  /** The edited full-resolution mask as PNG bytes (white = defect). */
  maskPng: z
    .instanceof(Uint8Array)
    .refine((b) => b.byteLength > 0 && b.byteLength < 512 * 1024 * 1024, 'mask PNG must be 1 byte to 512 MB')
});
export const jobsQuery = z.object({
  active: z.boolean().default(false),
  limit: z.number().int().min(1).max(10_000).default(500)
});
export const engineSettings = z.object({
  provider: z.enum(PROVIDERS),
  threads: z.number().int().min(0).max(256).default(0)
});
