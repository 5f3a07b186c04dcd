/**
 * `heirloom export --library DIR (--album NAME | --photos ID,ID,...) --out PATH [...]`:
 * exports one album, or photos by id in the order given, to a folder or a zip. The library is opened read-only: an export never
 * writes to it. Progress goes to stderr, the result to stdout.
 */
import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors.ts';
import { EXPORT_FORMATS, EXPORT_MANIFEST_FORMATS, EXPORT_WHATS } from '../../../shared/types.ts';
import { exportAlbum } from '../../export/export-album.ts';
import { albumByName } from '../../library/queries/export-source.ts';
import { SWITCH, VALUE, oneOf, parseFlags } from '../flags.ts';
import { libraryDirOption, openExistingLibraryReadOnly } from '../library-option.ts';

export const summary =
  'export an album or chosen photos (originals, restored or both) to a folder or a .zip, with a manifest';
export const usage =
  'export --library DIR (--album NAME | --photos ID,ID,...) --out PATH [--what originals|restored|both] [--format jpeg|png|tiff16|original] [--quality N] [--zip] [--manifest json|csv] [--json]';

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags(argv, {
    library: VALUE,
    album: VALUE,
    photos: VALUE,
    out: VALUE,
    what: VALUE,
    format: VALUE,
    quality: VALUE,
    zip: SWITCH,
    manifest: VALUE,
    json: SWITCH
  });
  const libraryDir = libraryDirOption(values.library);
  if (!values.album === !values.photos)
    throw new StudioError('invalid-input', 'give --album NAME or --photos ID,ID,... (one of the two)');
  const photoIds = values.photos === undefined ? undefined : photoIdList(values.photos);
  if (!values.out) throw new StudioError('invalid-input', '--out PATH is required');
  const quality = values.quality === undefined ? 92 : Number(values.quality);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new StudioError('invalid-input', `--quality must be a whole number from 1 to 100 (got "${values.quality}")`);
  }
  const db = openExistingLibraryReadOnly(libraryDir);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const album = values.album ? albumByName(db, values.album) : null;
    const result = await exportAlbum(
      db,
      libraryDir,
      {
        ...(album ? { albumId: album.id } : { photoIds }),
        what: oneOf('what', values.what, EXPORT_WHATS, 'originals'),
        format: oneOf('format', values.format, EXPORT_FORMATS, 'jpeg'),
        quality,
        destination: { kind: values.zip ? 'zip' : 'folder', path: resolve(values.out) },
        manifest: oneOf('manifest', values.manifest, EXPORT_MANIFEST_FORMATS, 'json')
      },
      (p) => {
        if (p.stage === 'writing' && process.stderr.isTTY)
          process.stderr.write(`\r[${p.done + 1}/${p.total}] ${p.current ?? ''}\x1b[K`);
      },
      controller.signal
    );
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    if (values.json) console.log(JSON.stringify(result));
    else {
      const note = result.unrestored > 0 ? ` (${result.unrestored} not restored yet: exported as originals)` : '';
      console.log(
        `exported ${result.files} files (${result.bytes} bytes)${album ? ` from "${album.name}"` : ''} to ${result.path}${note}`
      );
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    db.close();
  }
}

/** "3,5, 9" → [3, 5, 9]; anything but positive whole numbers is refused by name. */
export function photoIdList(text: string): number[] {
  const parts = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const bad = parts.filter((t) => !/^[1-9]\d{0,14}$/.test(t));
  if (parts.length === 0 || bad.length > 0) {
    throw new StudioError(
      'invalid-input',
      `--photos takes photo ids separated by commas (as "heirloom list" prints them), got "${text}"`
    );
  }
  return parts.map(Number);
}
