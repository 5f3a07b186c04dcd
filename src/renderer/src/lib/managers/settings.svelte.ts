/**
 * Settings: where inference runs (the engine's own plain-words report of what
 * it chose and why), threads, the default export format (kept in this
 * profile's localStorage), and the library's size.
 */
import type { EngineInfo, ExportFormat, LibraryStats } from '../../../../shared/types.ts';
import { studio } from '../api/index.ts';
import { attempt } from './attempt.ts';

export type Provider = EngineInfo['requested'];
const KEY = 'heirloom.settings';

export class SettingsManager {
  open = $state(false);
  engine = $state<EngineInfo | null>(null);
  stats = $state<LibraryStats | null>(null);
  restartingInto = $state<string | null>(null);
  provider = $state<Provider>('auto');
  threads = $state(0);
  exportFormat = $state<ExportFormat>('jpeg');
  busy = $state(false);
  error = $state<string | null>(null);

  constructor() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { exportFormat?: ExportFormat };
      if (saved.exportFormat) this.exportFormat = saved.exportFormat;
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

  setExportFormat(format: ExportFormat): void {
    this.exportFormat = format;
    localStorage.setItem(KEY, JSON.stringify({ exportFormat: format }));
  }

  async #run(work: () => Promise<void>): Promise<void> {
    await attempt((e) => (this.error = e), work, (on) => (this.busy = on));
  }
}
