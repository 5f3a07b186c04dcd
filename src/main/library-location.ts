/**
 * Which library folder the app opens: `--library DIR` (or `--library=DIR`),
 * then HEIRLOOM_LIBRARY, then the folder the user chose in Settings (kept in
 * `<userData>/heirloom.json`), then `<userData>/library`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const CONFIG = 'heirloom.json';

export function resolveLibraryDir(argv: string[], env: NodeJS.ProcessEnv, userData: string): string {
  const i = argv.indexOf('--library');
  const eq = argv.find((a) => a.startsWith('--library='));
  const fromArgs = i >= 0 ? argv[i + 1] : eq?.slice('--library='.length);
  if (fromArgs) return resolve(fromArgs);
  if (env.HEIRLOOM_LIBRARY) return resolve(env.HEIRLOOM_LIBRARY);
  return savedLibraryDir(userData) ?? join(userData, 'library');
}

export function savedLibraryDir(userData: string): string | null {
  try {
    const saved = JSON.parse(readFileSync(join(userData, CONFIG), 'utf8')) as { libraryDir?: unknown };
    return typeof saved.libraryDir === 'string' && isAbsolute(saved.libraryDir) ? saved.libraryDir : null;
  } catch {
    // Missing or unreadable: the default folder.
    return null;
  }
}

/** Written to a temp file and renamed, so a crash never leaves half a config. */
export function saveLibraryDir(userData: string, libraryDir: string): void {
  const file = join(userData, CONFIG);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ libraryDir: resolve(libraryDir) }, null, 2));
  renameSync(`${file}.tmp`, file);
}
