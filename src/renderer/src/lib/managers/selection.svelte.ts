/**
 * What the library toolbar does to the selected photos: file them in an album, date, turn, crop to their prints,
 * export or remove them. Each says how it went in the toolbar's notice.
 */
import type { Crop } from '../../../../shared/crop.ts';
import { turnedBy } from '../../../../shared/media-key.ts';
import { formatTaken } from '../../../../shared/taken-date.ts';
import type { PhotoSummary } from '../../../../shared/types.ts';
import { studio, errorMessage } from '../api/index.ts';
import { count } from '../words.ts';
import type { AlbumsManager } from './albums.svelte.ts';
import type { ExportManager } from './export.svelte.ts';
import type { LibraryManager } from './library.svelte.ts';
import type { Notice } from './notice.svelte.ts';
import type { SettingsManager } from './settings.svelte.ts';

/** The managers a selection action reads or refreshes, and the notice it reports in. */
export interface SelectionDeps {
  library: LibraryManager;
  albums: AlbumsManager;
  exporter: ExportManager;
  settings: SettingsManager;
  notice: Notice;
  /** Removing photos can drop tags from the sidebar's list. */
  refreshTags: () => Promise<void>;
}

export class SelectionManager {
  readonly library: LibraryManager;
  readonly albums: AlbumsManager;
  readonly exporter: ExportManager;
  readonly settings: SettingsManager;
  readonly notice: Notice;
  readonly refreshTags: () => Promise<void>;

  constructor(deps: SelectionDeps) {
    this.library = deps.library;
    this.albums = deps.albums;
    this.exporter = deps.exporter;
    this.settings = deps.settings;
    this.notice = deps.notice;
    this.refreshTags = deps.refreshTags;
  }

  async addTo(albumId: number): Promise<void> {
    const ids = [...this.library.selected];
    await this.albums.addPhotos(albumId, ids);
    const album = this.albums.byId(albumId);
    if (album && !this.albums.error) this.notice.text = `Added ${count(ids.length, 'photo')} to ${album.name}.`;
    if (this.library.albumId === albumId) await this.library.reload();
  }

  /** Removes the selected photos from the library (their copies and versions; never the user's own files). */
  async removeFromLibrary(): Promise<void> {
    const ids = [...this.library.selected];
    if (ids.length === 0) return;
    try {
      await studio.removePhotos(ids);
      this.notice.text = `Removed ${count(ids.length, 'photo')} from the library.`;
    } catch (err) {
      this.notice.text = errorMessage(err);
    }
    this.library.clearSelection();
    await Promise.all([this.library.reload(), this.albums.refresh(), this.refreshTags()]);
  }

  /** Opens the export dialog for the selected photos, in the grid's order. */
  export(): void {
    const at = (id: number): number => {
      const i = this.library.indexOf(id);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const ids = [...this.library.selected].sort((a, b) => at(a) - at(b));
    if (ids.length === 0) return;
    void this.exporter.open(
      { photoIds: ids, title: `Export ${count(ids.length, 'selected photo')}`, name: 'Selected photos' },
      this.settings.exportFormat
    );
  }

  /** Sets (or with null clears) the date taken of every selected photo: a box of prints labelled "1958". */
  async setTaken(takenAt: string | null): Promise<void> {
    const ids = [...this.library.selected];
    try {
      for (const id of ids) await studio.updatePhoto(id, { takenAt });
      this.notice.text = `${takenAt === null ? 'Cleared the date of' : `Dated ${formatTaken(takenAt)}:`} ${count(ids.length, 'photo')}.`;
    } catch (err) {
      this.notice.text = errorMessage(err);
    }
    await this.library.reload();
  }

  /**
   * Turns each selected photo a quarter right (1) or left (-1) from where it is. Photos that cannot turn
   * (restored versions, a restore under way) stay as they are and the notice says how many and why.
   */
  async turn(quarters: 1 | -1): Promise<void> {
    let turned = 0;
    const refused: string[] = [];
    for (const id of this.library.selected) {
      try {
        const photo = await this.#photo(id);
        await studio.updatePhoto(id, { rotation: turnedBy(photo.rotation, quarters) });
        turned++;
      } catch (err) {
        refused.push(errorMessage(err));
      }
    }
    const done = `Turned ${count(turned, 'photo')} ${quarters === 1 ? 'right' : 'left'}.`;
    this.notice.text = sentences(done, leftAsTheyWere(refused));
    await this.library.reload();
  }

  /**
   * Crops each selected photo to the print inside its scan's margin, levelled, as Find print suggests in the crop
   * tool: a session of flatbed scans cropped at once. Photos without an even margin, and those that cannot change
   * (restored versions, a restore under way), stay as they are; the notice says how many and why.
   */
  async cropToPrint(): Promise<void> {
    await this.cropToPrints([...this.library.selected]);
  }

  /** Crops these photos to their prints (see `cropToPrint`); `quiet`: no notice when none had a print. */
  async cropToPrints(ids: number[], quiet = false): Promise<void> {
    let cropped = 0;
    let unmarked = 0;
    const refused: string[] = [];
    const before: { id: number; tilt: number; crop: Crop | null }[] = [];
    this.notice.undo = null;
    for (const [i, id] of ids.entries()) {
      this.notice.text = `Finding the print in ${count(ids.length, 'photo')}… ${i + 1} of ${ids.length}`;
      try {
        const found = await studio.findPrint(id);
        if (!found) unmarked++;
        else {
          const photo = await this.#photo(id);
          await studio.updatePhoto(id, found);
          before.push({ id, tilt: photo.tilt, crop: photo.crop });
          cropped++;
        }
      } catch (err) {
        refused.push(errorMessage(err));
      }
    }
    if (quiet && cropped === 0 && refused.length === 0) {
      this.notice.text = null;
      return;
    }
    this.notice.text = sentences(
      `Cropped ${count(cropped, 'photo')} to the print.`,
      unmarked > 0 ? `${count(unmarked, 'photo')} had no even margin around a print.` : '',
      leftAsTheyWere(refused)
    );
    if (before.length > 0) {
      this.notice.undo = async () => {
        this.notice.undo = null;
        const stuck: string[] = [];
        for (const b of before)
          await studio
            .updatePhoto(b.id, { tilt: b.tilt, crop: b.crop })
            .catch((err: unknown) => stuck.push(errorMessage(err)));
        const back = before.length - stuck.length;
        this.notice.text = sentences(
          `Put back ${count(back, 'photo')} as ${back === 1 ? 'it was' : 'they were'}.`,
          leftAsTheyWere(stuck)
        );
        await this.library.reload();
      };
    }
    await this.library.reload();
  }

  /** A photo as the grid has it, or from main when the grid has not loaded that page. */
  async #photo(id: number): Promise<PhotoSummary> {
    return this.library.photoAt(this.library.indexOf(id)) ?? studio.getPhoto(id);
  }

  async removeFromAlbum(): Promise<void> {
    const albumId = this.library.albumId;
    if (albumId === null) return;
    await this.albums.removePhotos(albumId, [...this.library.selected]);
    this.library.clearSelection();
    await this.library.reload();
  }
}

/** A notice made of these sentences, the empty ones left out. */
function sentences(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

/** How many photos of a selection an action left alone, and the first one's reason; empty when none. */
function leftAsTheyWere(reasons: string[]): string {
  if (reasons.length === 0) return '';
  return `${reasons.length} left as ${reasons.length === 1 ? 'it was' : 'they were'}: ${reasons[0]}${reasons.length > 1 ? ' (and others)' : ''}`;
}
