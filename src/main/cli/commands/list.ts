/**
 * `heirloom list --library DIR [--album NAME] [--search TEXT] [--tag TAG] [--restored yes|no] [--json]`:
 * the library's photos (all of them, paged internally). Read-only.
 */
import type { PhotoSummary } from '../../../shared/types.ts';
import { albumByName } from '../../library/queries/export-source.ts';
import { listPhotos } from '../../library/queries/photos.ts';
import { SWITCH, VALUE, oneOf, parseFlags } from '../flags.ts';
import { libraryDirOption, openExistingLibraryReadOnly } from '../library-option.ts';

export const summary = 'list the photos of a library (optionally one album, a tag or a search)';
export const usage = 'list --library DIR [--album NAME] [--tag TAG] [--search TEXT] [--restored yes|no] [--json]';

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags(argv, {
    library: VALUE,
    album: VALUE,
    tag: VALUE,
    search: VALUE,
    restored: VALUE,
    json: SWITCH
  });
  const restored =
    values.restored === undefined
      ? undefined
      : oneOf('restored', values.restored, ['yes', 'no'] as const, 'yes') === 'yes';
  const db = openExistingLibraryReadOnly(libraryDirOption(values.library));
  try {
    const albumId = values.album !== undefined ? albumByName(db, values.album).id : undefined;
    const all: PhotoSummary[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = listPhotos(db, {
        offset,
        limit: 1000,
        sort: albumId ? 'album' : 'imported',
        albumId,
        tag: values.tag,
        search: values.search,
        restored
      });
      all.push(...page.items);
      if (all.length >= page.total || page.items.length === 0) break;
    }
    if (values.json) console.log(JSON.stringify(all, null, 2));
    else {
      for (const p of all) {
        const when = p.takenAt ? ` taken ${p.takenAt}` : '';
        console.log(
          `${String(p.id).padStart(6)}  ${p.fileName}  ${p.width}×${p.height} ${p.format} ${p.bitDepth}-bit${when}${p.rotation ? `  turned ${p.rotation}°` : ''}${p.tilt ? `  straightened ${p.tilt}°` : ''}${p.crop ? `  cropped to ${p.crop.width}×${p.crop.height}` : ''}${p.currentVersionId ? '  restored' : ''}`
        );
      }
      console.log(`${all.length} photo${all.length === 1 ? '' : 's'}`);
    }
    return 0;
  } finally {
    db.close();
  }
}
