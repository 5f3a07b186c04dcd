/**
 * Free space and full-disk failures. A full disk surfaces in many shapes (an
 * errno of ENOSPC or EDQUOT, SQLite's SQLITE_FULL, libvips' bare "write error",
 * or any of those flattened into a message by the runner process); each is
 * reported as the disk it happened on being full, with the space left, never
 * as a damaged photo.
 */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const FULL_TEXT = /ENOSPC|EDQUOT|SQLITE_FULL|no space left|disk is full|quota exceeded/i;

/** Whether `err` (an Error, an error shape or a message) says a disk or quota is full. */
export function isDiskFull(err: unknown): boolean {
  if (typeof err === 'string') return FULL_TEXT.test(err);
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && FULL_CODES.has(e.code)) return true;
  return typeof e?.message === 'string' && FULL_TEXT.test(e.message);
}

/** Whether `err` is a write that failed without saying why (libvips: "write error"). */
export function isBareWriteError(err: unknown): boolean {
  const message = typeof err === 'string' ? err : (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /write error|unable to write|write failed/i.test(message);
}

/**
 * Bytes free to this user on the disk holding `path` (or its nearest existing parent); null when it cannot be asked.
 */
export async function freeBytes(path: string): Promise<number | null> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) return null;
    }
  }
}

/** `12 MB`, rounded up so that "needs about 1 MB" never reads "0 MB". */
export function megabytes(bytes: number): string {
  return `${Math.max(0, Math.ceil(bytes / 1_000_000))} MB`;
}
