/**
 * `heirloom import <files or folders…> --library DIR [--album NAME] [--json]`:
 * the same import as the app (folders walked recursively, duplicates
 * recognised). Each failed file is named with its reason; the exit code is 1
 * when any file failed. Ctrl-C stops after the files in progress.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SWITCH, VALUE } from '../flags.ts';
import { StudioError } from '../../../shared/errors.ts';
import { importPaths } from '../../import/import-files.ts';
import { openLibrary } from '../../library/open-library.ts';
import { albumIdByName, createAlbum } from '../../library/queries/albums.ts';
import { sweepOrphans } from '../../library/maintenance.ts';
import { libraryDirOption } from '../library-option.ts';

export const summary =
  'import photos and folders (recursively) into a library; names every file that could not be imported';
export const usage = 'import <files or folders…> --library DIR [--album NAME] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { library: VALUE, album: VALUE, json: SWITCH },
    allowPositionals: true,
    strict: true
  });
  const libraryDir = libraryDirOption(values.library);
  if (positionals.length === 0) throw new StudioError('invalid-input', 'give at least one file or folder to import');
  const db = openLibrary(libraryDir);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    sweepOrphans(db, libraryDir);
    let albumId: number | undefined;
    if (values.album !== undefined) {
      const existing = albumIdByName(db, values.album.trim());
      albumId = existing ?? createAlbum(db, values.album).id;
    }
    const tty = process.stderr.isTTY && !values.json;
    const report = await importPaths(
      db,
      libraryDir,
      positionals.map((p) => resolve(p)),
      {
        albumId,
        signal: controller.signal,
        onProgress: (done, total) => {
          if (tty) process.stderr.write(`\rimporting ${done}/${total}`);
        }
      }
    );
    if (tty) process.stderr.write('\n');
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      for (const o of report.outcomes) if (o.status === 'failed') console.error(`failed: ${o.path}: ${o.message}`);
      console.log(
        `${report.imported} imported, ${report.duplicates} already in the library, ${report.failed} failed${report.skipped ? `, ${report.skipped} hidden skipped (names starting with a dot)` : ''}`
      );
    }
    return report.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    db.close();
  }
}
