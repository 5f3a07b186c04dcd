/**
 * Output files are written next to their destination under a temporary name
 * and only then moved into place, so a failure (read-only folder, full disk,
 * cancel, crash) never leaves a half-written output. Without `overwrite` the
 * move is a hard link, which fails atomically if the name was taken meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { link, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StudioError } from '../../shared/errors.ts';

/** A file written under a temporary name, waiting to be committed. */
export interface StagedFile {
  path: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Explains a filesystem error about `path` in words. */
export function ioError(path: string, err: unknown): StudioError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const dir = dirname(path);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new StudioError('io', `cannot write to ${dir}: the folder is read-only or not writable (${code})`);
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new StudioError('io', `cannot write ${basename(path)}: no space left in ${dir} (${code})`);
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new StudioError('not-found', `output folder ${dir} does not exist`);
  if (code === 'EEXIST') return new StudioError('conflict', `${path} already exists (use --overwrite to replace it)`);
  return new StudioError('io', `cannot write ${path}: ${(err as Error)?.message ?? String(err)}`);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  );
}

/** Writes `bytes` to a temporary sibling of `path`. */
export async function stageFile(path: string, bytes: Uint8Array, overwrite: boolean): Promise<StagedFile> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, bytes, { flag: 'wx' });
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw ioError(path, err);
  }
  let done = false;
  return {
    path,
    async commit() {
      try {
        if (overwrite) await rename(temp, path);
        else {
          await link(temp, path);
          await unlink(temp);
        }
        done = true;
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw ioError(path, err);
      }
    },
    async abort() {
      if (!done) await unlink(temp).catch(() => undefined);
    }
  };
}

/** Commits staged files together: if one fails, those already moved are removed again. */
export async function commitAll(files: StagedFile[]): Promise<void> {
  const committed: StagedFile[] = [];
  try {
    for (const f of files) {
      await f.commit();
      committed.push(f);
    }
  } catch (err) {
    await Promise.all(files.map((f) => f.abort()));
    await Promise.all(committed.map((f) => unlink(f.path).catch(() => undefined)));
    throw err;
  }
}
