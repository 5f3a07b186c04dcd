/**
 * The photo grid's data: the current query (search, album, tag, restored or not), the total,
 * pages fetched on demand for the rows on screen, and the multi-selection.
 * Pages live in a plain Map (thousands of rows would make a deep $state slow);
 * `version` is the reactive signal that a page arrived.
 */
import { SvelteSet } from 'svelte/reactivity';
import type { PhotoSummary } from '../../../../shared/types.ts';
import { studio, errorMessage } from '../api/index.ts';
import type { GridOrder } from './settings.svelte.ts';

const PAGE_SIZE = 200;

/** listPhotos' query less the page. */
type GridQuery = Omit<Parameters<typeof studio.listPhotos>[0], 'offset' | 'limit'>;

export class LibraryManager {
  search = $state('');
  albumId = $state<number | null>(null);
  tag = $state<string | null>(null);
  /** null: every photo; true / false: only those with / without a current restored version. */
  restored = $state<boolean | null>(null);
  /** The order outside albums (an album shows its own order). */
  order = $state<GridOrder>('imported');
  total = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Bumped whenever a page lands or the query is reset. */
  version = $state(0);
  selected = new SvelteSet<number>();
  /** Index the next shift-click extends from. */
  anchor = $state<number | null>(null);

  // Deliberately not reactive: a page landing bumps `version` once instead of waking every reader of the map.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  #pages = new Map<number, PhotoSummary[]>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- requests in flight; nothing renders them
  #pending = new Set<number>();
  #generation = 0;

  /** Reads `version`, so templates re-run when pages arrive. */
  photoAt(index: number): PhotoSummary | undefined {
    void this.version;
    return this.#pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Everything currently known, in order (for range selection and reorder). */
  indexOf(id: number): number {
    for (const [page, items] of this.#pages) {
      const i = items.findIndex((p) => p.id === id);
      if (i >= 0) return page * PAGE_SIZE + i;
    }
    return -1;
  }

  setQuery(q: {
    search?: string;
    albumId?: number | null;
    tag?: string | null;
    restored?: boolean | null;
    order?: GridOrder;
  }): void {
    if (q.order !== undefined) this.order = q.order;
    if (q.search !== undefined) this.search = q.search;
    if (q.albumId !== undefined) this.albumId = q.albumId;
    if (q.tag !== undefined) this.tag = q.tag;
    if (q.restored !== undefined) this.restored = q.restored;
    this.selected.clear();
    this.anchor = null;
    void this.reload();
  }

  /** Drops every cached page and fetches the first again (after imports, edits, query changes). */
  async reload(): Promise<void> {
    this.#generation++;
    this.#pages.clear();
    this.#pending.clear();
    await this.ensureRange(0, 0);
    this.version++;
  }

  /**
   * Fetches the loaded pages again in place (after restores: a tile shows whether its photo has a current
   * version). Unlike reload, tiles keep their photos until the fresh page lands, so nothing flickers.
   */
  async refreshLoaded(): Promise<void> {
    const gen = this.#generation;
    await Promise.all([...this.#pages.keys()].filter((p) => !this.#pending.has(p)).map((p) => this.#load(p, gen)));
  }

  /** Fetches whatever pages cover [first, last] that are not loaded yet. */
  async ensureRange(first: number, last: number): Promise<void> {
    const gen = this.#generation;
    const wanted: number[] = [];
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(Math.max(first, last) / PAGE_SIZE); p++) {
      if (!this.#pages.has(p) && !this.#pending.has(p)) wanted.push(p);
    }
    await Promise.all(wanted.map((p) => this.#load(p, gen)));
  }

  async #load(page: number, gen: number): Promise<void> {
    this.#pending.add(page);
    this.loading = true;
    try {
      const result = await studio.listPhotos({ ...this.#query(), offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (gen !== this.#generation) return;
      this.#pages.set(page, result.items);
      this.total = result.total;
      this.error = null;
      this.version++;
    } catch (err) {
      if (gen === this.#generation) this.error = errorMessage(err);
    } finally {
      this.#pending.delete(page);
      this.loading = this.#pending.size > 0;
    }
  }

  /** Click, ctrl/cmd-click (toggle) and shift-click (range from the anchor). */
  select(index: number, mode: { toggle?: boolean; range?: boolean } = {}): void {
    const photo = this.photoAt(index);
    if (!photo) return;
    if (mode.range && this.anchor !== null) {
      if (!mode.toggle) this.selected.clear();
      const [a, b] = this.anchor < index ? [this.anchor, index] : [index, this.anchor];
      for (let i = a; i <= b; i++) {
        const p = this.photoAt(i);
        if (p) this.selected.add(p.id);
      }
      return;
    }
    if (mode.toggle) {
      if (this.selected.has(photo.id)) this.selected.delete(photo.id);
      else this.selected.add(photo.id);
    } else {
      this.selected.clear();
      this.selected.add(photo.id);
    }
    this.anchor = index;
  }

  selectAll(): void {
    for (const items of this.#pages.values()) for (const p of items) this.selected.add(p.id);
  }

  clearSelection(): void {
    this.selected.clear();
    this.anchor = null;
  }

  /** Whether search, tag or the restored filter narrow what the grid shows. */
  get filtered(): boolean {
    return this.search.trim() !== '' || this.tag !== null || this.restored !== null;
  }

  /** Every id of the album (or library) in order, filters ignored: album reordering needs all of them. */
  allIds(): Promise<number[]> {
    return this.#ids({
      sort: this.albumId !== null ? 'album' : 'imported',
      ...(this.albumId !== null ? { albumId: this.albumId } : {})
    });
  }

  /** Every id the grid's current query matches, beyond the loaded pages ("Restore all" of a filtered view);
   *  with `onlyUnrestored`, those of them without a restored version. */
  shownIds(onlyUnrestored = false): Promise<number[]> {
    return this.#ids(onlyUnrestored ? { ...this.#query(), restored: false } : this.#query());
  }

  /** How many of the photos the grid's query matches have no restored version yet. */
  async shownUnrestored(): Promise<number> {
    if (this.restored !== null) return this.restored ? 0 : this.total;
    return (await studio.listPhotos({ ...this.#query(), restored: false, offset: 0, limit: 1 })).total;
  }

  #query(): GridQuery {
    return {
      ...(this.search.trim() ? { search: this.search.trim() } : {}),
      sort: this.albumId !== null ? 'album' : this.order,
      ...(this.albumId !== null ? { albumId: this.albumId } : {}),
      ...(this.tag !== null ? { tag: this.tag } : {}),
      ...(this.restored !== null ? { restored: this.restored } : {})
    };
  }

  async #ids(query: GridQuery): Promise<number[]> {
    const ids: number[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await studio.listPhotos({ ...query, offset, limit: 1000 });
      ids.push(...page.items.map((p) => p.id));
      if (page.items.length < 1000 || ids.length >= page.total) return ids;
    }
  }
}
