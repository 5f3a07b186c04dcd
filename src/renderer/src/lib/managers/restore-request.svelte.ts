/**
 * The library toolbar's Restore: the selection at once; the album, or all the grid shows, after asking when that
 * means many photos or photos that already have a restored version (offering only the rest).
 */
import { errorMessage } from '../api/index.ts';
import type { JobsManager } from './jobs.svelte.ts';
import type { LibraryManager } from './library.svelte.ts';
import type { Notice } from './notice.svelte.ts';

/** "Restore all" of more photos than this asks first, even when none is restored yet. */
export const RESTORE_WITHOUT_ASKING = 50;

export class RestoreRequestManager {
  readonly #library: LibraryManager;
  readonly #jobs: JobsManager;
  readonly #notice: Notice;
  /** The restores are queued: the queue panel shows them. */
  readonly onQueued: () => void;

  constructor(library: LibraryManager, jobs: JobsManager, notice: Notice, onQueued: () => void) {
    this.#library = library;
    this.#jobs = jobs;
    this.#notice = notice;
    this.onQueued = onQueued;
  }

  /** Set while "Restore all" / "Restore album" asks before queueing many photos, or photos already restored. */
  question = $state<{ total: number; unrestored: number } | null>(null);

  /** The selection at once; else every photo the grid shows (the album, or whatever a search or filter
   *  leaves), asking first when that is more than a few dozen photos or some already have a restored version. */
  async request(): Promise<void> {
    if (this.#library.selected.size > 0) return this.#restore(async () => [...this.#library.selected]);
    const total = this.#library.total;
    let unrestored: number;
    try {
      unrestored = await this.#library.shownUnrestored();
    } catch (err) {
      this.#notice.text = errorMessage(err);
      return;
    }
    if (unrestored === total && total <= RESTORE_WITHOUT_ASKING) return this.#restore(() => this.#library.shownIds());
    this.question = { total, unrestored };
  }

  /** The answer to `question`: every shown photo, only those not yet restored, or none. */
  async answer(which: 'all' | 'unrestored' | null): Promise<void> {
    this.question = null;
    if (which !== null) await this.#restore(() => this.#library.shownIds(which === 'unrestored'));
  }

  async #restore(ids: () => Promise<number[]>): Promise<void> {
    try {
      await this.#jobs.restore(await ids());
    } catch (err) {
      this.#notice.text = errorMessage(err);
      return;
    }
    if (!this.#jobs.error) this.onQueued();
  }
}
