/**
 * Expands the CLI's files-or-folders into image files (folders recursively, by
 * extension, sorted) and gives each its output name: `<stem>.png` for a file
 * named on the command line, `<folder>/<subfolders…>/<stem>.png` for one found in
 * a folder, so the input folders are mirrored (as a folder import keeps them) and
 * `1951/scan.png` and `1962/scan.png` both restore. Two inputs that would still
 * write the same output (`scan.png` and `scan.jpg` side by side) are refused.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';

export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.tif',
  '.tiff',
  '.webp',
  '.gif',
  '.avif',
  '.heic',
  '.heif',
  '.bmp'
]);

/** One input and where its output goes; `error` when it cannot be processed at all. */
export interface PlannedInput {
  input: string;
  /** The output's path under --out without its extension, `/`-separated. */
  stem: string;
  error?: string;
}

export async function expandInputs(paths: string[]): Promise<PlannedInput[]> {
  const out: PlannedInput[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let info;
    try {
      info = await stat(abs);
    } catch {
      out.push({ input: abs, stem: stemOf(abs), error: `${p}: no such file or folder` });
      continue;
    }
    if (info.isDirectory()) for (const f of await walk(abs)) out.push({ input: f, stem: mirrored(abs, f) });
    else out.push({ input: abs, stem: stemOf(abs) });
  }
  const seen = new Map<string, string>();
  for (const item of out) {
    if (item.error) continue;
    const key = item.stem.toLowerCase();
    const first = seen.get(key);
    if (first) item.error = `${item.input}: its output ${item.stem}.png would overwrite the output of ${first}`;
    else seen.set(key, item.input);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(p)));
    else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) files.push(p);
  }
  return files;
}

/** `file`'s place under the folder given, the folder's own name first: `1962/box 2/scan`. */
function mirrored(folder: string, file: string): string {
  const inside = relative(folder, file).split(sep);
  inside[inside.length - 1] = stemOf(file);
  return [basename(folder) || 'folder', ...inside].join('/');
}

function stemOf(path: string): string {
  const name = basename(path);
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}
