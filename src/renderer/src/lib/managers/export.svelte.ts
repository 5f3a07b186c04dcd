/**
 * One export at a time (an album, or the selected photos): the options the dialog edits, progress from
 * `export:progress` (matched by the export id we choose), cancel, and the
 * result. The default format comes from settings; the photos default to
 * Restored when any of them has a restored version, and the dialog lists which
 * version of each photo goes out (`preview`).
 */
import type {
  ExportFormat,
  ExportManifestFormat,
  ExportPreview,
  ExportProgress,
  ExportResult,
  ExportWhat
} from '../../../../shared/types.ts';
import { studio } from '../api/index.ts';
import { attempt } from './attempt.ts';

export interface ExportOptions {
  what: ExportWhat;
  format: ExportFormat;
  quality: number;
  kind: 'folder' | 'zip';
  path: string;
  manifest: ExportManifestFormat;
}

/**
 * What the dialog exports: an album, or photos by id in grid order; `title` heads the dialog,
 * `name` names the export's folder or .zip.
 */
export type ExportTarget =
  { albumId: number; title: string; name: string } | { photoIds: number[]; title: string; name: string };

export class ExportManager {
  target = $state<ExportTarget | null>(null);
  options = $state<ExportOptions>({
    what: 'originals',
    format: 'jpeg',
    quality: 92,
    kind: 'folder',
    path: '',
    manifest: 'json'
  });
  running = $state(false);
  progress = $state<ExportProgress | null>(null);
  result = $state<ExportResult | null>(null);
  error = $state<string | null>(null);
  preview = $state<ExportPreview | null>(null);
  #exportId: string | null = null;
  /** Counts opens, so a preview answering after the dialog moved on is dropped. */
  #opened = 0;

  async open(target: ExportTarget, defaultFormat: ExportFormat): Promise<void> {
    this.target = target;
    this.options.format = defaultFormat;
    this.options.what = 'originals';
    this.result = null;
    this.error = null;
    this.progress = null;
    this.preview = null;
    const opened = ++this.#opened;
    const preview = await studio
      .previewExport('albumId' in target ? { albumId: target.albumId } : { photoIds: target.photoIds })
      .catch(() => null);
    if (opened !== this.#opened || this.target === null) return;
    this.preview = preview;
    // An album the user has restored is exported restored unless they say otherwise.
    if (preview?.items.some((i) => i.version !== null)) this.options.what = 'restored';
  }

  close(): void {
    if (!this.running) this.target = null;
  }

  listen(): () => void {
    return studio.on('export:progress', (p) => {
      if (p.exportId === this.#exportId) this.progress = p;
    });
  }

  async start(): Promise<void> {
    const target = this.target;
    const o = this.options;
    if (target === null || this.running) return;
    if (this.choosesPath && o.path.trim() === '') {
      this.error =
        o.kind === 'zip'
          ? 'Choose where to save the .zip file (Save as…).'
          : 'Choose the folder to export into (Choose folder…).';
      return;
    }
    if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(o.path.trim())) {
      this.error = 'Enter the full path of the destination folder or .zip file (for example /home/me/Exports/Summer).';
      return;
    }
    const exportId = crypto.randomUUID();
    this.#exportId = exportId;
    this.error = null;
    this.result = null;
    this.progress = null;
    await attempt(
      (e) => (this.error = e),
      async () => {
        this.result = await studio.exportAlbum({
          exportId,
          ...('albumId' in target ? { albumId: target.albumId } : { photoIds: target.photoIds }),
          what: o.what,
          format: o.format,
          quality: o.quality,
          destination: { kind: o.kind, path: o.path.trim() },
          manifest: o.manifest
        });
      },
      (on) => (this.running = on)
    );
  }

  /** The desktop app picks the destination with the system's dialog (browser mode types it). */
  readonly choosesPath = studio.transport === 'electron';

  async choosePath(): Promise<void> {
    const target = this.target;
    if (!target) return;
    await attempt(
      (e) => (this.error = e),
      async () => {
        const picked = await studio.chooseExportDestination({ kind: this.options.kind, suggestedName: target.name });
        if (picked) this.options.path = picked;
      }
    );
  }

  async cancel(): Promise<void> {
    if (this.#exportId && this.running) await studio.cancelExport(this.#exportId).catch(() => false);
  }
}
