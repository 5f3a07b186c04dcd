/**
 * Atomic export destinations. Everything is written into a hidden temp sibling
 * `.heirloom-export-<pid>-<rand>.partial` next to the requested path and moved
 * into place only when complete; on cancel or failure the temp is removed and
 * nothing is left behind (what a crash leaves, the next export there removes:
 * partials.ts).
 *
 * Never overwrite: when the requested folder exists and is not empty, or the
 * requested zip exists, the export lands at the first free `name (2)`,
 * `name (3)`, … and the result says where. An existing *empty* folder is used
 * as is (that is what a "New folder" button in a save dialog produces).
 */
import { createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import yazl from 'yazl';
import { StudioError } from '../../shared/errors.ts';
import { isDiskFull } from '../disk-space.ts';
import { markDone, markLive, stagingName, sweepStalePartials } from './partials.ts';

/** A place export files are staged in before the final move. */
export interface ExportSink {
  /** Where to write the file that will be called `name` in the export. */
  pathFor(name: string): string;
  /** Declares the file at `pathFor(name)` complete. */
  add(name: string, compress: boolean): void;
  /** Moves the export into place; returns the final path. */
  commit(): Promise<string>;
  /** Removes everything written so far. Safe to call more than once. */
  abort(): Promise<void>;
}

async function makeStaging(parent: string): Promise<string> {
  try {
    const info = await stat(parent);
    if (!info.isDirectory()) throw new StudioError('invalid-input', `${parent} is not a folder`);
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw new StudioError('not-found', `the folder to export into does not exist: ${parent}`);
  }
  await sweepStalePartials(parent);
  const staging = join(parent, stagingName());
  try {
    await mkdir(staging);
  } catch (err) {
    throw unwritable(parent, err);
  }
  markLive(staging);
  return staging;
}

/** A destination that refuses writes, in words: read-only, not ours to write, or full. */
export function unwritable(parent: string, err: unknown): StudioError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EROFS')
    return new StudioError('io', `cannot export to ${parent}: it is on a read-only disk; choose another folder`);
  if (code === 'EACCES' || code === 'EPERM')
    return new StudioError(
      'io',
      `cannot export to ${parent}: you do not have permission to write in that folder; choose another one`
    );
  if (isDiskFull(err))
    return new StudioError(
      'io',
      `cannot export to ${parent}: its disk is full; free some space or choose another folder. The library is intact`
    );
  return new StudioError('io', `cannot export to ${parent}: ${(err as Error).message}`);
}

/** `photos` → `photos (2)`, `album.zip` → `album (2).zip`. */
export function numbered(path: string, n: number, ext = ''): string {
  if (n === 1) return path;
  const stem = ext ? path.slice(0, -ext.length) : path;
  return `${stem} (${n})${ext}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  );
}

/** Stages files in a temp folder that is renamed to the destination folder. */
export async function folderSink(requested: string): Promise<ExportSink> {
  const target = requested.replace(/[/\\]+$/, '');
  const staging = await makeStaging(dirname(target));
  return {
    pathFor: (name) => join(staging, name),
    add: () => {},
    async commit() {
      for (let n = 1; n <= 1000; n++) {
        const candidate = numbered(target, n);
        if (await exists(candidate)) {
          const entries = await readdir(candidate).catch(() => null);
          if (entries === null || entries.length > 0) continue;
          // Empty folder: take its place. rmdir fails if something appeared in it meanwhile.
          if (
            !(await rmdir(candidate).then(
              () => true,
              () => false
            ))
          )
            continue;
        }
        try {
          await rename(staging, candidate);
          markDone(staging);
          return candidate;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') continue;
          throw new StudioError(
            'io',
            `could not move the export into place at ${candidate}: ${(err as Error).message}`
          );
        }
      }
      throw new StudioError('conflict', `no free name next to ${target}`);
    },
    async abort() {
      await rm(staging, { recursive: true, force: true });
      markDone(staging);
    }
  };
}

/** Streams a zip (yazl) into the temp folder; the finished zip is linked to the destination. */
export async function zipSink(requested: string): Promise<ExportSink> {
  const target = extname(requested).toLowerCase() === '.zip' ? requested : `${requested}.zip`;
  const staging = await makeStaging(dirname(target));
  const zipPath = join(staging, 'export.zip');
  const zip = new yazl.ZipFile();
  const out = createWriteStream(zipPath, { flags: 'wx' });
  const written = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject);
  });
  // Errors surface through `written` at commit; keep Node from calling them unhandled meanwhile.
  written.catch(() => {});
  zip.outputStream.pipe(out);
  let aborted = false;
  const work = join(staging, 'files');
  await mkdir(work);

  return {
    pathFor: (name) => join(work, name),
    add: (name, compress) => zip.addFile(join(work, name), name, { compress }),
    async commit() {
      zip.end();
      await written.catch((err: Error) => {
        throw new StudioError('io', `could not write the zip: ${err.message}`);
      });
      const ext = extname(target);
      for (let n = 1; n <= 1000; n++) {
        const candidate = numbered(target, n, ext);
        try {
          // link() fails with EEXIST instead of replacing: no window in which a zip could be overwritten.
          await link(zipPath, candidate);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') continue;
          // Filesystems without hard links (FAT, exFAT): check, then rename.
          if (await exists(candidate)) continue;
          await rename(zipPath, candidate);
        }
        await rm(staging, { recursive: true, force: true });
        markDone(staging);
        return candidate;
      }
      throw new StudioError('conflict', `no free name next to ${basename(target)}`);
    },
    async abort() {
      if (!aborted) {
        aborted = true;
        zip.outputStream.unpipe(out);
        out.destroy();
        await written.catch(() => {});
      }
      await unlink(zipPath).catch(() => {});
      await rm(staging, { recursive: true, force: true });
      markDone(staging);
    }
  };
}
