/**
 * Expands dropped or picked paths into the files to import: folders are walked
 * recursively (image extensions only, hidden entries skipped, symlink loops
 * cut), explicit files are always tried. Paths that cannot be read become
 * failed outcomes instead of stopping the walk.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ImportOutcome } from '../../shared/types.ts';
import { IMAGE_EXTENSIONS } from './formats.ts';
import { describeFsError } from './errors.ts';

export interface Walked {
  files: string[];
  failed: Extract<ImportOutcome, { status: 'failed' }>[];
  /**
   * Hidden image files left out of a folder (`._scan.jpg` from a Mac, `.thumb.jpg`): counted, so the report says so.
   */
  skipped: number;
}

export async function expandPaths(paths: string[]): Promise<Walked> {
  const out: Walked = { files: [], failed: [], skipped: 0 };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const addFile = (p: string): void => {
    if (!seenFiles.has(p)) {
      seenFiles.add(p);
      out.files.push(p);
    }
  };
  async function walk(dir: string): Promise<void> {
    let real: string;
    try {
      real = await realpath(dir);
    } catch (err) {
      out.failed.push({ path: dir, status: 'failed', ...describeFsError(err) });
      return;
    }
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      out.failed.push({ path: dir, status: 'failed', ...describeFsError(err) });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    for (const e of entries) {
      if (e.name.startsWith('.')) {
        if (!e.isDirectory() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.skipped++;
        continue;
      }
      const p = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const s = await stat(p).catch(() => null);
        isDir = s?.isDirectory() ?? false;
        isFile = s?.isFile() ?? false;
      }
      if (isDir) await walk(p);
      else if (isFile && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) addFile(p);
    }
  }
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch (err) {
      out.failed.push({ path: p, status: 'failed', ...describeFsError(err) });
      continue;
    }
    if (s.isDirectory()) await walk(p);
    else if (s.isFile()) addFile(p);
    else out.failed.push({ path: p, status: 'failed', kind: 'unsupported-format', message: 'not a regular file' });
  }
  return out;
}
