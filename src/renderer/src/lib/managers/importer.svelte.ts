/**
 * Import state: progress of the running import (uploads in browser mode, then
 * the service's own progress events) and the last report with its per-file
 * errors. Imports run one at a time; a second waits for the first.
 */
import type { ImportProgress, ImportReport } from '../../../../shared/types.ts';
import { studio, errorMessage } from '../api/index.ts';

export class ImportManager {
  running = $state(false);
  progress = $state<ImportProgress | null>(null);
  phase = $state<'uploading' | 'importing' | null>(null);
  report = $state<ImportReport | null>(null);
  error = $state<string | null>(null);
  failures = $derived(this.report?.outcomes.filter((o) => o.status === 'failed') ?? []);
  #chain: Promise<unknown> = Promise.resolve();

  /** Subscribes to progress events; returns the unsubscribe for the caller's $effect. */
  listen(): () => void {
    return studio.on('import:progress', (p) => {
      if (!this.running) return;
      this.phase = p.importId.startsWith('upload-') ? 'uploading' : 'importing';
      this.progress = p;
    });
  }

  importFiles(files: File[], albumId?: number): Promise<ImportReport | null> {
    if (files.length === 0) return Promise.resolve(null);
    return this.#queue(() => studio.importFiles(files, albumId === undefined ? undefined : { albumId }));
  }

  /** Electron only: the native file or folder dialog. */
  pick(kind: 'files' | 'folder', albumId?: number): Promise<ImportReport | null> {
    return this.#queue(() => studio.pickAndImport(albumId === undefined ? { kind } : { kind, albumId }));
  }

  dismiss(): void {
    this.report = null;
    this.error = null;
  }

  #queue(work: () => Promise<ImportReport | null>): Promise<ImportReport | null> {
    const next = this.#chain.then(async () => {
      this.running = true;
      this.error = null;
      this.progress = null;
      this.phase = null;
      try {
        const report = await work();
        if (report) this.report = report;
        return report;
      } catch (err) {
        this.error = errorMessage(err);
        return null;
      } finally {
        this.running = false;
        this.progress = null;
        this.phase = null;
      }
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
