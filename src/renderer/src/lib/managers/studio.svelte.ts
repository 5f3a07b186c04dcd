/**
 * The root of the renderer's state: the managers of each screen plus the
 * glue between them (a finished import refreshes the grid, a change event
 * from main refreshes whatever it names). Later screens (restore queue,
 * compare, mask editor, settings, export) hang their managers off this too.
 */
import type { Crop } from '../../../../shared/crop.ts';
import { turnedBy } from '../../../../shared/media-key.ts';
import type { ConnectionState, LibraryChange, MenuCommand, PhotoSummary, TagCount } from '../../../../shared/types.ts';
import { studio, errorMessage } from '../api/index.ts';
import { formatTaken } from '../../../../shared/taken-date.ts';
import { filesFromDrop } from '../import/collect-files.ts';
import { AlbumsManager } from './albums.svelte.ts';
import { DetailManager } from './detail.svelte.ts';
import { ExportManager } from './export.svelte.ts';
import { ImportManager } from './importer.svelte.ts';
import { JobsManager } from './jobs.svelte.ts';
import { LibraryManager } from './library.svelte.ts';
import { SettingsManager } from './settings.svelte.ts';
import { VersionsManager } from './versions.svelte.ts';
import { count } from '../words.ts';

/** "Restore all" of more photos than this asks first, even when none is restored yet. */
export const RESTORE_WITHOUT_ASKING = 50;

export type Screen = { name: 'library' } | { name: 'photo'; index: number };

export class StudioManager {
  readonly library = new LibraryManager();
  readonly albums = new AlbumsManager();
  readonly importer = new ImportManager();
  readonly detail = new DetailManager();
  readonly jobs = new JobsManager();
  readonly versions = new VersionsManager();
  readonly exporter = new ExportManager();
  readonly settings = new SettingsManager();
  queueOpen = $state(false);
  helpOpen = $state(false);
  tags = $state<TagCount[]>([]);
  screen = $state<Screen>({ name: 'library' });
  notice = $state<string | null>(null);
  /** What the notice's Undo button takes back, while the notice shows; null when it has none. */
  undo = $state<(() => Promise<void>) | null>(null);
  /** Browser mode: whether `heirloom serve` still answers this page (the desktop app is always connected). */
  connection = $state<ConnectionState>('connected');

  /** Loads the first data and subscribes to main's events; returns the cleanup. */
  start(): () => void {
    this.library.order = this.settings.gridOrder;
    void this.library.reload();
    void this.albums.refresh();
    void this.refreshTags();
    void this.jobs.refresh();
    const offs = [
      this.importer.listen(),
      this.exporter.listen(),
      studio.on('library:changed', (c) => this.#changed(c)),
      studio.on('menu:command', ({ command }) => void this.menuCommand(command)),
      studio.on('connection:changed', ({ state }) => {
        const back = state === 'connected' && this.connection === 'reconnecting';
        this.connection = state;
        // Events sent while the link was down are lost: catch up on everything they would have refreshed.
        if (back) (['photos', 'albums', 'tags', 'versions', 'jobs'] as const).forEach((scope) => this.#changed({ scope }));
      }),
      this.jobs.listen(
        (e) => {
          if (this.detail.photoId !== e.photoId) return;
          void this.versions.load(e.photoId);
          void this.detail.refreshCurrentVersion();
        },
        () => (this.queueOpen = true)
      )
    ];
    return () => offs.forEach((off) => off());
  }

  async refreshTags(): Promise<void> {
    try {
      this.tags = await studio.listTags();
    } catch (err) {
      this.notice = errorMessage(err);
    }
  }

  /** After an import or anything else that adds photos. */
  async afterImport(): Promise<void> {
    await Promise.all([this.library.reload(), this.albums.refresh()]);
    const report = this.importer.report;
    if (!this.settings.cropOnImport || !report) return;
    const ids = report.outcomes.flatMap((o) => (o.status === 'imported' ? [o.photoId] : []));
    if (ids.length > 0) await this.cropToPrints(ids, true);
  }

  /** The desktop menu's items that open the window's own dialogs (Electron only: browser mode has no menu). */
  async menuCommand(command: MenuCommand): Promise<void> {
    if (command === 'settings') this.settings.open = true;
    else if (command === 'shortcuts') this.helpOpen = true;
    else if (!this.importer.running) {
      const report = await this.importer.pick(command === 'import-folder' ? 'folder' : 'files', this.library.albumId ?? undefined);
      if (report) await this.afterImport();
    }
  }

  async importDrop(dt: DataTransfer, albumId?: number): Promise<void> {
    const files = await filesFromDrop(dt, studio.transport);
    const target = albumId ?? this.library.albumId ?? undefined;
    const report = await this.importer.importFiles(files, target);
    if (report) await this.afterImport();
  }

  async addSelectedTo(albumId: number): Promise<void> {
    const ids = [...this.library.selected];
    await this.albums.addPhotos(albumId, ids);
    const album = this.albums.byId(albumId);
    if (album && !this.albums.error) this.notice = `Added ${count(ids.length, 'photo')} to ${album.name}.`;
    if (this.library.albumId === albumId) await this.library.reload();
  }

  /** Removes the selected photos from the library (their copies and versions; never the user's own files). */
  async removeSelectedFromLibrary(): Promise<void> {
    const ids = [...this.library.selected];
    if (ids.length === 0) return;
    try {
      await studio.removePhotos(ids);
      this.notice = `Removed ${count(ids.length, 'photo')} from the library.`;
    } catch (err) {
      this.notice = errorMessage(err);
    }
    this.library.clearSelection();
    await Promise.all([this.library.reload(), this.albums.refresh(), this.refreshTags()]);
  }

  /** Opens the export dialog for the selected photos, in the grid's order. */
  exportSelection(): void {
    const at = (id: number): number => {
      const i = this.library.indexOf(id);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const ids = [...this.library.selected].sort((a, b) => at(a) - at(b));
    if (ids.length === 0) return;
    void this.exporter.open({ photoIds: ids, title: `Export ${count(ids.length, 'selected photo')}`, name: 'Selected photos' }, this.settings.exportFormat);
  }

  /** Sets (or with null clears) the date taken of every selected photo: a box of prints labelled "1958". */
  async setTakenForSelection(takenAt: string | null): Promise<void> {
    const ids = [...this.library.selected];
    try {
      for (const id of ids) await studio.updatePhoto(id, { takenAt });
      this.notice = `${takenAt === null ? 'Cleared the date of' : `Dated ${formatTaken(takenAt)}:`} ${count(ids.length, 'photo')}.`;
    } catch (err) {
      this.notice = errorMessage(err);
    }
    await this.library.reload();
  }

  /**
   * Turns each selected photo a quarter right (1) or left (-1) from where it is. Photos that cannot turn
   * (restored versions, a restore under way) stay as they are and the notice says how many and why.
   */
  async turnSelected(quarters: 1 | -1): Promise<void> {
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
    this.notice = sentences(done, leftAsTheyWere(refused));
    await this.library.reload();
  }

  /**
   * Crops each selected photo to the print inside its scan's margin, levelled, as Find print suggests in the crop
   * tool: a session of flatbed scans cropped at once. Photos without an even margin, and those that cannot change
   * (restored versions, a restore under way), stay as they are; the notice says how many and why.
   */
  async cropSelectedToPrints(): Promise<void> {
    await this.cropToPrints([...this.library.selected]);
  }

  /** Crops these photos to their prints (see `cropSelectedToPrints`); `quiet`: no notice when none had a print. */
  async cropToPrints(ids: number[], quiet = false): Promise<void> {
    let cropped = 0;
    let unmarked = 0;
    const refused: string[] = [];
    const before: { id: number; tilt: number; crop: Crop | null }[] = [];
    this.undo = null;
    for (const [i, id] of ids.entries()) {
      this.notice = `Finding the print in ${count(ids.length, 'photo')}… ${i + 1} of ${ids.length}`;
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
      this.notice = null;
      return;
    }
    this.notice = sentences(
      `Cropped ${count(cropped, 'photo')} to the print.`,
      unmarked > 0 ? `${count(unmarked, 'photo')} had no even margin around a print.` : '',
      leftAsTheyWere(refused)
    );
    if (before.length > 0) {
      this.undo = async () => {
        this.undo = null;
        const stuck: string[] = [];
        for (const b of before) await studio.updatePhoto(b.id, { tilt: b.tilt, crop: b.crop }).catch((err: unknown) => stuck.push(errorMessage(err)));
        const back = before.length - stuck.length;
        this.notice = sentences(`Put back ${count(back, 'photo')} as ${back === 1 ? 'it was' : 'they were'}.`, leftAsTheyWere(stuck));
        await this.library.reload();
      };
    }
    await this.library.reload();
  }

  /** A photo as the grid has it, or from main when the grid has not loaded that page. */
  async #photo(id: number): Promise<PhotoSummary> {
    return this.library.photoAt(this.library.indexOf(id)) ?? studio.getPhoto(id);
  }

  async removeSelectedFromAlbum(): Promise<void> {
    const albumId = this.library.albumId;
    if (albumId === null) return;
    await this.albums.removePhotos(albumId, [...this.library.selected]);
    this.library.clearSelection();
    await this.library.reload();
  }

  /** Moves `ids` to just before `beforeId` in the open album. */
  async reorder(ids: number[], beforeId: number): Promise<void> {
    const albumId = this.library.albumId;
    if (albumId === null) return;
    const moving = new Set(ids);
    const rest = (await this.library.allIds()).filter((id) => !moving.has(id));
    const at = rest.indexOf(beforeId);
    rest.splice(at < 0 ? rest.length : at, 0, ...ids);
    await this.albums.reorder(albumId, rest);
    await this.library.reload();
  }

  openPhoto(index: number): void {
    const photo = this.library.photoAt(index);
    if (!photo) return;
    this.screen = { name: 'photo', index };
    void this.detail.open(photo.id);
    void this.versions.load(photo.id);
  }

  /** Set while "Restore all" / "Restore album" asks before queueing many photos, or photos already restored. */
  restoreQuestion = $state<{ total: number; unrestored: number } | null>(null);

  /** The selection at once; else every photo the grid shows (the album, or whatever a search or filter
   *  leaves), asking first when that is more than a few dozen photos or some already have a restored version. */
  async restoreSelectionOrAlbum(): Promise<void> {
    if (this.library.selected.size > 0) return this.#restore(async () => [...this.library.selected]);
    const total = this.library.total;
    let unrestored: number;
    try {
      unrestored = await this.library.shownUnrestored();
    } catch (err) {
      this.notice = errorMessage(err);
      return;
    }
    if (unrestored === total && total <= RESTORE_WITHOUT_ASKING) return this.#restore(() => this.library.shownIds());
    this.restoreQuestion = { total, unrestored };
  }

  /** The answer to `restoreQuestion`: every shown photo, only those not yet restored, or none. */
  async answerRestoreQuestion(which: 'all' | 'unrestored' | null): Promise<void> {
    this.restoreQuestion = null;
    if (which !== null) await this.#restore(() => this.library.shownIds(which === 'unrestored'));
  }

  async #restore(ids: () => Promise<number[]>): Promise<void> {
    try {
      await this.jobs.restore(await ids());
    } catch (err) {
      this.notice = errorMessage(err);
      return;
    }
    if (!this.jobs.error) this.queueOpen = true;
  }

  async setCurrentVersion(versionId: number | null): Promise<void> {
    await this.detail.setCurrentVersion(versionId);
  }

  async step(delta: number): Promise<void> {
    if (this.screen.name !== 'photo') return;
    const index = Math.min(this.library.total - 1, Math.max(0, this.screen.index + delta));
    await this.library.ensureRange(index, index);
    this.openPhoto(index);
  }

  closePhoto(): void {
    // Opening a photo selects it; coming back must not leave it so, or "Restore album" quietly becomes "Restore 1 selected".
    const opened = this.detail.photoId;
    if (opened !== null && this.library.selected.size === 1 && this.library.selected.has(opened)) this.library.clearSelection();
    this.screen = { name: 'library' };
    this.detail.close();
    // Opened again, a photo starts on the photo itself, not on the compare or mask view it was left in.
    this.versions.mode = { name: 'original' };
    void this.refreshTags();
  }

  #pendingScopes = new Set<LibraryChange['scope']>();
  #changeTimer: ReturnType<typeof setTimeout> | null = null;

  /** Change notices arrive in bursts (one per imported file): coalesce them into one refresh per scope. */
  #changed(change: LibraryChange): void {
    this.#pendingScopes.add(change.scope);
    this.#changeTimer ??= setTimeout(() => {
      const scopes = this.#pendingScopes;
      this.#pendingScopes = new Set();
      this.#changeTimer = null;
      if (scopes.has('photos')) void this.library.reload();
      if (scopes.has('albums') || scopes.has('photos')) void this.albums.refresh();
      if (scopes.has('tags')) void this.refreshTags();
      if (scopes.has('versions') && !scopes.has('photos')) void this.library.refreshLoaded();
      if (scopes.has('versions') && this.detail.photoId !== null) {
        void this.versions.load(this.detail.photoId);
        void this.detail.refreshCurrentVersion();
      }
      if (scopes.has('jobs')) void this.jobs.refresh();
    }, 300);
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
