/**
 * The root of the renderer's state: the managers of each screen plus the glue between them (a finished import
 * refreshes the grid, a change event from main refreshes whatever it names).
 */
import type { ConnectionState, LibraryChange, MenuCommand, TagCount } from '../../../../shared/types.ts';
import { studio, errorMessage } from '../api/index.ts';
import { filesFromDrop } from '../import/collect-files.ts';
import { AlbumsManager } from './albums.svelte.ts';
import { DetailManager } from './detail.svelte.ts';
import { ExportManager } from './export.svelte.ts';
import { ImportManager } from './importer.svelte.ts';
import { JobsManager } from './jobs.svelte.ts';
import { LibraryManager } from './library.svelte.ts';
import { SettingsManager } from './settings.svelte.ts';
import { Notice } from './notice.svelte.ts';
import { SelectionManager } from './selection.svelte.ts';
import { RestoreRequestManager } from './restore-request.svelte.ts';
import { VersionsManager } from './versions.svelte.ts';

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
  readonly notice = new Notice();
  readonly selection = new SelectionManager({
    library: this.library,
    albums: this.albums,
    exporter: this.exporter,
    settings: this.settings,
    notice: this.notice,
    refreshTags: () => this.refreshTags()
  });
  readonly restoring = new RestoreRequestManager(this.library, this.jobs, this.notice, () => (this.queueOpen = true));
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
        if (back)
          (['photos', 'albums', 'tags', 'versions', 'jobs'] as const).forEach((scope) => this.#changed({ scope }));
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
      this.notice.text = errorMessage(err);
    }
  }

  /** After an import or anything else that adds photos. */
  async afterImport(): Promise<void> {
    await Promise.all([this.library.reload(), this.albums.refresh()]);
    const report = this.importer.report;
    if (!this.settings.cropOnImport || !report) return;
    const ids = report.outcomes.flatMap((o) => (o.status === 'imported' ? [o.photoId] : []));
    if (ids.length > 0) await this.selection.cropToPrints(ids, true);
  }

  /** The desktop menu's items that open the window's own dialogs (Electron only: browser mode has no menu). */
  async menuCommand(command: MenuCommand): Promise<void> {
    if (command === 'settings') this.settings.open = true;
    else if (command === 'shortcuts') this.helpOpen = true;
    else if (!this.importer.running) {
      const report = await this.importer.pick(
        command === 'import-folder' ? 'folder' : 'files',
        this.library.albumId ?? undefined
      );
      if (report) await this.afterImport();
    }
  }

  async importDrop(dt: DataTransfer, albumId?: number): Promise<void> {
    const files = await filesFromDrop(dt, studio.transport);
    const target = albumId ?? this.library.albumId ?? undefined;
    const report = await this.importer.importFiles(files, target);
    if (report) await this.afterImport();
  }

  /** Moves `ids` to just before `beforeId` in the open album. */
  async reorder(ids: number[], beforeId: number): Promise<void> {
    const albumId = this.library.albumId;
    if (albumId === null) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup inside this call, never rendered
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

  /** Something was queued outside the jobs manager (a mask re-run): show it in the opened queue. */
  showQueue(): void {
    void this.jobs.refresh();
    this.queueOpen = true;
  }

  async step(delta: number): Promise<void> {
    if (this.screen.name !== 'photo') return;
    const index = Math.min(this.library.total - 1, Math.max(0, this.screen.index + delta));
    await this.library.ensureRange(index, index);
    this.openPhoto(index);
  }

  closePhoto(): void {
    // Opening a photo selects it; coming back must not leave it so,
    // or "Restore album" quietly becomes "Restore 1 selected".
    const opened = this.detail.photoId;
    if (opened !== null && this.library.selected.size === 1 && this.library.selected.has(opened))
      this.library.clearSelection();
    this.screen = { name: 'library' };
    this.detail.close();
    // Opened again, a photo starts on the photo itself, not on the compare or mask view it was left in.
    this.versions.mode = { name: 'original' };
    void this.refreshTags();
  }

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- scopes waiting for the timer; nothing renders them
  #pendingScopes = new Set<LibraryChange['scope']>();
  #changeTimer: ReturnType<typeof setTimeout> | null = null;

  /** Change notices arrive in bursts (one per imported file): coalesce them into one refresh per scope. */
  #changed(change: LibraryChange): void {
    this.#pendingScopes.add(change.scope);
    if (this.#changeTimer !== null) return;
    this.#changeTimer = setTimeout(() => {
      const scopes = this.#pendingScopes;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- as #pendingScopes
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
