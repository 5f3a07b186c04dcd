/** Domain types shared by main, preload and renderer. Plain data only. */

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
}

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

export type MediaKind = 'thumb' | 'original' | 'version' | 'mask';

/** Album export (issue 4, item 5). */
export type ExportWhat = 'originals' | 'restored' | 'both';
/** `original` copies the source bytes untouched; `tiff16` is a 16-bit-per-channel TIFF. */
export type ExportFormat = 'jpeg' | 'png' | 'tiff16' | 'original';
export type ExportManifestFormat = 'json' | 'csv';

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
