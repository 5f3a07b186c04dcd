/** Domain types shared by main, preload and renderer. Plain data only. */
import type { Crop } from './crop.ts';
import type { ProviderRequest } from './providers.ts';

export interface PhotoSummary {
  id: number;
  sha256: string;
  fileName: string;
  format: string;
  width: number;
  height: number;
  /** Bits per channel of the original (8 or 16). */
  bitDepth: number;
  takenAt: string | null;
  importedAt: string;
  caption: string | null;
  currentVersionId: number | null;
  /** Clockwise quarter turns the user gave the photo, on top of its EXIF orientation (shown, restored, exported so). */
  rotation: Rotation;
  /** Degrees the photo is turned clockwise to straighten it (after the quarter turns), within ±MAX_TILT; 0 for none. */
  tilt: number;
  /** The part of the photo shown, restored and exported (`shared/crop.ts`), or null for all of it. */
  crop: Crop | null;
}

/** What the desktop app's menu asks the window to do (the window owns these dialogs). */
export const MENU_COMMANDS = ['import-photos', 'import-folder', 'settings', 'shortcuts'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const ROTATIONS = [0, 90, 180, 270] as const;
export type Rotation = (typeof ROTATIONS)[number];

export interface PhotoDetail extends PhotoSummary {
  orientation: number | null;
  camera: string | null;
  channels: number;
  bytes: number;
  tags: string[];
  albumIds: number[];
}

export interface PhotoPage {
  total: number;
  offset: number;
  items: PhotoSummary[];
}

export interface LibraryStats {
  photos: number;
  albums: number;
  tags: number;
  bytes: number;
  /** Bytes of the latent caches that make mask-edit re-runs fast (removable: versions.removeCaches). */
  cacheBytes: number;
  /** The library folder. */
  location: string;
  /** Whether this transport can switch folders (the desktop app can; browser mode serves one library). */
  canChangeLocation: boolean;
}

export interface TagCount {
  name: string;
  count: number;
}

export interface Album {
  id: number;
  name: string;
  photoCount: number;
  coverPhotoId: number | null;
  createdAt: string;
}

export type ImportOutcome =
  | { path: string; status: 'imported'; photoId: number }
  | { path: string; status: 'duplicate'; photoId: number }
  | { path: string; status: 'failed'; kind: string; message: string };

export interface ImportReport {
  imported: number;
  duplicates: number;
  failed: number;
  /**
   * Hidden image files (names starting with a dot) a folder import left out;
   * absent when none could be (files given one by one).
   */
  skipped?: number;
  outcomes: ImportOutcome[];
}

export interface ImportProgress {
  importId: string;
  done: number;
  total: number;
  current: string | null;
}

export interface LibraryChange {
  scope: 'photos' | 'albums' | 'tags' | 'versions' | 'jobs';
}

/**
 * What /media and heirloom-media:// serve; `version-thumb` is a restored version's grid thumbnail (key: version id).
 */
export const MEDIA_KINDS = ['thumb', 'version-thumb', 'original', 'version', 'mask'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** Album export (issue 4, item 5). */
// Listed once as values: the IPC schemas, the CLI and the dialogs offer exactly these.
export const EXPORT_WHATS = ['originals', 'restored', 'both'] as const;
/** `original` copies the source bytes untouched; `tiff16` is a 16-bit-per-channel TIFF. */
export const EXPORT_FORMATS = ['jpeg', 'png', 'tiff16', 'original'] as const;
export const EXPORT_MANIFEST_FORMATS = ['json', 'csv'] as const;
export type ExportWhat = (typeof EXPORT_WHATS)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportManifestFormat = (typeof EXPORT_MANIFEST_FORMATS)[number];

export interface ExportProgress {
  exportId: string;
  done: number;
  total: number;
  /** The file being written (name inside the export), null before the first and after the last. */
  current: string | null;
  stage: 'writing' | 'finishing' | 'done';
}

export interface ExportResult {
  exportId: string;
  /** Where the export landed: may differ from the requested path (`name (2)`) because nothing is overwritten. */
  path: string;
  kind: 'folder' | 'zip';
  files: number;
  bytes: number;
  /** Photos asked for as restored that had no version, exported as originals instead. */
  unrestored: number;
  manifest: string;
}

/** One photo of an export, with the version it would write as "restored" (null: it has none, the original goes out). */
export interface ExportPreviewItem {
  photoId: number;
  fileName: string;
  /** `number` counts the photo's versions from the oldest, as the photo view's "Version N" does. */
  version: { id: number; number: number; rerun: boolean } | null;
}

export interface ExportPreview {
  items: ExportPreviewItem[];
}

/**
 * Browser mode's link to `heirloom serve`: `restarted` means a new server (new token) answers, so this page must be
 * reopened from the new URL.
 */
export type ConnectionState = 'connected' | 'reconnecting' | 'restarted';

/** Restore jobs, versions and the engine. */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobInfo {
  id: number;
  kind: 'restore' | 'rerun';
  photoId: number;
  /** The photo's file name, for the queue panel (null once the photo is gone). */
  photoName: string | null;
  versionId: number | null;
  state: JobState;
  stage: string | null;
  /** 0..1 */
  progress: number;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Pushed on every state change and (throttled) on progress of a job. */
export interface JobEvent {
  jobId: number;
  photoId: number;
  kind: 'restore' | 'rerun';
  state: JobState;
  stage: string | null;
  tile: number | null;
  tiles: number | null;
  /** 0..100 */
  percent: number;
  etaSeconds: number | null;
  versionId: number | null;
  error: string | null;
}

/**
 * Whether the restore queue takes new jobs; paused (with the reason, in
 * words) when the library's disk cannot hold the next one.
 */
export interface QueueState {
  paused: boolean;
  reason: string | null;
}

export interface VersionInfo {
  id: number;
  photoId: number;
  kind: 'restore' | 'rerun';
  parentVersionId: number | null;
  modelId: string;
  modelSha256: string;
  options: Record<string, unknown>;
  /** Relative to the library folder. */
  maskPath: string | null;
  outputPath: string;
  latentPath: string | null;
  stats: Record<string, unknown>;
  createdAt: string;
}

/** Where inference runs and why, in plain words. */
export interface EngineInfo {
  requested: ProviderRequest;
  provider: string | null;
  label: string | null;
  reason: string | null;
  rejected: { provider: string; reason: string }[];
  threads: number;
  modelId: string | null;
  /** Why the engine cannot run (models missing, provider unusable), else null. */
  error: string | null;
}
