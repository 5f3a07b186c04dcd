/**
 * The shape of an export destination, checked before anything is written: a
 * folder export names a folder to make (or an empty one to fill) inside a
 * folder we can write, a .zip export names a file. Without these checks a
 * folder export to `/` staged its files in the working directory and failed
 * on the rename, and a zip to `Exports/` wrote a hidden `Exports/.zip`.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, parse } from 'node:path';
import { StudioError } from '../../shared/errors.ts';
import { unwritable } from './destination.ts';

const SEPARATOR_AT_END = /[\\/]$/;

/** Throws a StudioError naming what is wrong with `destination`, or returns when it can be exported to. */
export async function checkDestination(destination: { kind: 'folder' | 'zip'; path: string }): Promise<void> {
  const { kind, path } = destination;
  const trimmed = path.replace(/[\\/]+$/, '');
  if (trimmed === '' || parse(path).root === path || parse(trimmed).root === trimmed) {
    throw new StudioError(
      'invalid-input',
      `"${path}" is the top of a disk: name the folder or .zip file to export to inside a folder`
    );
  }
  if (kind === 'zip') {
    if (SEPARATOR_AT_END.test(path))
      throw new StudioError(
        'invalid-input',
        `a .zip export needs a file name, and "${path}" ends in a folder separator`
      );
    if (basename(path).toLowerCase() === '.zip')
      throw new StudioError('invalid-input', `a .zip export needs a file name before ".zip" ("${path}")`);
  }
  const parent = dirname(trimmed);
  const info = await stat(parent).catch(() => null);
  if (!info) throw new StudioError('not-found', `the folder to export into does not exist: ${parent}`);
  if (!info.isDirectory())
    throw new StudioError('invalid-input', `${parent} is not a folder, so nothing can be exported into it`);
  await access(parent, constants.W_OK).catch((err: NodeJS.ErrnoException) => {
    // A read-only disk gets the same words here as when a write fails there (destination.ts).
    if (err.code === 'EROFS') throw unwritable(parent, err);
    throw new StudioError(
      'invalid-input',
      `the folder ${parent} cannot be written to: choose another place to export to`
    );
  });
}
