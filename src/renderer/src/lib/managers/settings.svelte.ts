/**
 * Settings: where inference runs (the engine's own plain-words report of what
 * it chose and why), threads, the default export format, what the grid's
 * thumbnails show and its order (kept in this profile's localStorage), and the library's size.
 */
import type { EngineInfo, ExportFormat, LibraryStats } from '../../../../shared/types.ts';
import { studio } from '../api/index.ts';
import { attempt } from './attempt.ts';

export type Provider = EngineInfo['requested'];
const KEY = 'heirloom.settings';
/** The grid's thumbnails: each photo as imported, or its current restored version where it has one. */
export type GridShows = 'originals' | 'restored';
/** The grid's order outside albums (an album keeps its own). */
export type GridOrder = 'imported' | 'taken' | 'name';
export const GRID_ORDERS: readonly GridOrder[] = ['imported', 'taken', 'name'];
/** The choices kept in this profile's localStorage. */
interface Remembered {
  exportFormat: ExportFormat;
  gridShows: GridShows;
  gridOrder: GridOrder;
  cropOnImport: boolean;
}

export class SettingsManager {
  open = $state(false);
  engine = $state<EngineInfo | null>(null);
  stats = $state<LibraryStats | null>(null);
  restartingInto = $state<string | null>(null);
  provider = $state<Provider>('auto');
  threads = $state(0);
  exportFormat = $state<ExportFormat>('jpeg');
  gridShows = $state<GridShows>('originals');
  gridOrder = $state<GridOrder>('imported');
  /** Crop each photo to the print inside its scan margin as it is imported (Find print; undo from the notice). */
  cropOnImport = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);

  constructor() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Remembered>;
      if (saved.exportFormat) this.exportFormat = saved.exportFormat;
      if (saved.gridShows === 'restored') this.gridShows = 'restored';
      if (saved.gridOrder && GRID_ORDERS.includes(saved.gridOrder)) this.gridOrder = saved.gridOrder;
      this.cropOnImport = saved.cropOnImport === true;
    } catch {
      // A damaged entry just means defaults.
    }
  }

  async load(): Promise<void> {
    await this.#run(async () => {
      const [engine, stats] = await Promise.all([studio.engineInfo(), studio.libraryStats()]);
      this.engine = engine;
      this.stats = stats;
      this.provider = engine.requested;
      this.threads = engine.threads;
    });
  }

  /** What the last "Remove re-run caches" freed, for the dialog to say. */
  cachesRemoved = $state<{ versions: number; bytes: number } | null>(null);

  async removeLatentCaches(): Promise<void> {
    await this.#run(async () => {
      this.cachesRemoved = await studio.removeLatentCaches();
      this.stats = await studio.libraryStats();
    });
  }

  async applyEngine(): Promise<void> {
    await this.#run(async () => {
      this.engine = await studio.setEngineProvider({ provider: this.provider, threads: this.threads });
    });
  }

  /** Desktop only: the app restarts on the chosen folder, so a chosen path means "restarting". */
  async chooseLibraryLocation(): Promise<void> {
    await this.#run(async () => {
      const chosen = await studio.chooseLibraryLocation();
      if (chosen) this.restartingInto = chosen;
    });
  }

  /** Changes the choices this profile keeps (see `Remembered`) and saves them. */
  remember(choices: Partial<Remembered>): void {
    Object.assign(this, choices);
    this.#save();
  }

  #save(): void {
    const { exportFormat, gridShows, gridOrder, cropOnImport } = this;
    const kept: Remembered = { exportFormat, gridShows, gridOrder, cropOnImport };
    localStorage.setItem(KEY, JSON.stringify(kept));
  }

  async #run(work: () => Promise<void>): Promise<void> {
    await attempt(
      (e) => (this.error = e),
      work,
      (on) => (this.busy = on)
    );
  }
}
