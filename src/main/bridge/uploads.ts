/**
 * Browser-mode import: the page cannot hand us file paths, so it uploads each
 * file (raw body, one request per file, relative folder path kept) into a
 * batch folder under `<library>/.uploads/`, then commits the batch, which runs
 * the ordinary `import:paths` on the copies and deletes them afterwards.
 * The store keeps its own content-addressed copy, so nothing of the upload
 * outlives the commit.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StudioError } from '../../shared/errors.ts';
import type { ImportReport } from '../../shared/types.ts';

/** One file may be at most this large (a 250 MP 16-bit TIFF is ~1.5 GB). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
const BATCH_RE = /^[A-Za-z0-9_-]{8,64}$/;

export function uploadsRoot(libraryDir: string): string {
  return join(libraryDir, '.uploads');
}

export function batchDir(libraryDir: string, batch: unknown): string {
  if (typeof batch !== 'string' || !BATCH_RE.test(batch)) {
    throw new StudioError('invalid-input', 'upload batch ids are 8-64 letters, digits, - or _');
  }
  return join(uploadsRoot(libraryDir), batch);
}

/**
 * Checks a dropped file's relative path ("Trip/day 1/a.jpg") and maps it into
 * the batch folder. Absolute paths, `..`, empty segments and control
 * characters are refused rather than cleaned, so nothing lands outside.
 */
export function uploadTarget(dir: string, relPath: unknown): string {
  if (typeof relPath !== 'string' || relPath.length === 0 || relPath.length > 1024) {
    throw new StudioError('invalid-input', 'upload path must be 1-1024 characters');
  }
  const parts = relPath.split('/');
  for (const p of parts) {
    // eslint-disable-next-line no-control-regex -- a path segment with a control character is refused
    if (p === '' || p === '.' || p === '..' || /[\u0000-\u001f\\:]/.test(p) || p.length > 255) {
      throw new StudioError('invalid-input', `upload path "${relPath}" has an unsafe segment`);
    }
  }
  const full = resolve(dir, ...parts);
  if (!full.startsWith(resolve(dir) + sep))
    throw new StudioError('invalid-input', `upload path "${relPath}" leaves its folder`);
  return full;
}

/** Streams one request body to disk, refusing bodies over the cap. */
export async function receiveUpload(req: IncomingMessage, target: string): Promise<number> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) {
    throw new StudioError('too-large', `file of ${declared} bytes is over the ${MAX_UPLOAD_BYTES}-byte upload limit`);
  }
  await mkdir(dirname(target), { recursive: true });
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES)
        done(new StudioError('too-large', `file is over the ${MAX_UPLOAD_BYTES}-byte upload limit`));
      else done(null, chunk);
    }
  });
  try {
    await pipeline(req, cap, createWriteStream(target, { flags: 'wx' }));
  } catch (err) {
    await rm(target, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new StudioError('conflict', 'that file was already uploaded in this batch');
    throw err;
  }
  return size;
}

/** Rewrites the report's temp paths back to the names the user dropped. */
export function relativeReport(report: ImportReport, dir: string): ImportReport {
  const prefix = resolve(dir) + sep;
  return {
    ...report,
    outcomes: report.outcomes.map((o) => ({
      ...o,
      path: o.path.startsWith(prefix) ? o.path.slice(prefix.length).split(sep).join('/') : o.path
    }))
  };
}

/**
 * The batches uploaded and not yet committed. A page closed mid-import never
 * commits, so a batch idle for `ttlMs` (no upload running, none finished for
 * that long) is deleted rather than kept on disk until the server restarts.
 */
export class UploadBatches {
  readonly #batches = new Map<string, { dir: string; files: string[]; running: number; touched: number }>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(
    private readonly libraryDir: string,
    private readonly ttlMs: number
  ) {
    this.#sweeper = setInterval(() => void this.sweep(), Math.max(50, Math.min(ttlMs / 2, 60_000)));
    this.#sweeper.unref();
  }

  /** Streams one file into `batch`, kept for the commit. */
  async receive(batch: unknown, relPath: unknown, req: IncomingMessage): Promise<number> {
    const dir = batchDir(this.libraryDir, batch);
    const target = uploadTarget(dir, relPath);
    const entry = this.#batches.get(batch as string) ?? { dir, files: [], running: 0, touched: Date.now() };
    this.#batches.set(batch as string, entry);
    entry.running++;
    try {
      const bytes = await receiveUpload(req, target);
      entry.files.push(target);
      return bytes;
    } finally {
      entry.running--;
      entry.touched = Date.now();
    }
  }

  /** The batch's files, forgotten here: the caller imports them and removes the folder. */
  take(batch: unknown): { dir: string; files: string[] } {
    const dir = batchDir(this.libraryDir, batch);
    const entry = this.#batches.get(batch as string);
    this.#batches.delete(batch as string);
    return { dir, files: entry?.files ?? [] };
  }

  /** Deletes batches left idle for longer than the time to live. */
  async sweep(now = Date.now()): Promise<void> {
    for (const [id, entry] of this.#batches) {
      if (entry.running > 0 || now - entry.touched < this.ttlMs) continue;
      this.#batches.delete(id);
      await rm(entry.dir, { recursive: true, force: true });
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
  }
}
