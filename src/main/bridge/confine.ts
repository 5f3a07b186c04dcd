/**
 * What a token holder may reach on this computer through the bridge: the
 * library, uploads into it, and exports into one folder chosen when the
 * server started (`heirloom serve --exports DIR`). The desktop app's channels
 * that take paths (its system dialogs stand behind them) are not served here:
 * otherwise the token would read any image on the machine and write albums
 * anywhere, the library's own folder included.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { StudioError } from '../../shared/errors.ts';
import type { ExportRequest } from '../../shared/schemas.ts';

/**
 * Channels that name files on this computer or open its file dialogs; browser
 * mode imports through uploads only and types export paths.
 */
const DESKTOP_ONLY: Record<string, string> = {
  'import:paths': 'browser mode imports only files you upload: drop them on the page or use the import buttons',
  'import:pickAndImport': 'file dialogs are only available in the desktop app; drop files or use the import buttons',
  'library:chooseLocation': 'the library folder is chosen when `heirloom serve --library DIR` starts',
  'export:chooseDestination':
    'there is no folder dialog here: type a folder or .zip path inside the folder `heirloom serve --exports` names'
};

/**
 * Throws for a channel the bridge does not serve, before its arguments are
 * looked at (so a path's existence is never told).
 */
export function assertBrowserChannel(channel: string): void {
  const why = DESKTOP_ONLY[channel];
  if (why) throw new StudioError('invalid-input', `${channel} is not available in browser mode: ${why}`);
}

const inside = (path: string, folder: string): boolean =>
  path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/** The export root's real path; refuses one that is missing, not a folder, or inside the library. */
export async function resolveExportRoot(root: string, libraryDir: string): Promise<string> {
  const real = await realpath(root).catch(() => {
    throw new Error(`the export folder ${root} does not exist: create it first, or give another with --exports`);
  });
  if (!(await stat(real)).isDirectory()) throw new Error(`the export folder ${root} is not a folder`);
  const library = await realpath(libraryDir).catch(() => libraryDir);
  if (inside(real, library))
    throw new Error(`the export folder ${root} is inside the library (${libraryDir}): choose a folder outside it`);
  return real;
}

/**
 * Checks an export destination against the export root after resolving
 * symlinks, and returns it rewritten onto the real folder it lands in, so the
 * export writes exactly where it was checked. An export goes into its
 * destination's folder (the staging folder and any `name (2)` land beside it),
 * so that folder must be the root or inside it, and never in the library.
 */
export async function confineExport(
  destination: ExportRequest['destination'],
  exportRoot: string | null,
  libraryDir: string
): Promise<ExportRequest['destination']> {
  if (exportRoot === null) {
    throw new StudioError(
      'invalid-input',
      'this server takes no exports to folders: restart `heirloom serve` with --exports DIR to name the folder exports may go into'
    );
  }
  const where = `exports go inside ${exportRoot} (the folder \`heirloom serve --exports\` names): name a folder or .zip file in it`;
  const path = destination.path;
  if (!isAbsolute(path)) throw new StudioError('invalid-input', `the export destination must be a full path: ${where}`);
  if (path.split(/[\\/]/).some((part) => part === '.' || part === '..')) {
    throw new StudioError('invalid-input', `the export destination "${path}" may not contain "." or "..": ${where}`);
  }
  const trailing = /[\\/]$/.test(path) ? sep : '';
  const name = basename(path);
  const parent = await realpath(dirname(path.replace(/[\\/]+$/, '') || sep)).catch(() => {
    throw new StudioError('not-found', `the folder to export into does not exist: ${dirname(path)}`);
  });
  if (!inside(parent, exportRoot))
    throw new StudioError('invalid-input', `"${path}" is outside the export folder: ${where}`);
  const library = await realpath(libraryDir);
  const target = join(parent, name);
  if (inside(parent, library) || target === library)
    throw new StudioError('invalid-input', `exports never go into the library folder: ${where}`);
  return { ...destination, path: target + trailing };
}
