/**
 * Types of the album export service. The request/progress/result shapes that
 * cross IPC live in `src/shared` (see `ExportRequest` there); these are the
 * main-side working types.
 */
import type { PhotoFrame } from '../../shared/media-key.ts';
import type { ExportFormat, ExportWhat } from '../../shared/types.ts';

export type { ExportFormat, ExportWhat };

/** One photo of the album, in album order, resolved to files on disk. */
export interface ExportItem {
  photoId: number;
  sha256: string;
  /** The file name the photo was imported with (used for names and the manifest). */
  fileName: string;
  caption: string | null;
  /** The library's date taken, to the year, month, day or time; null when unknown. */
  takenAt: string | null;
  /** Absolute path of the original in the content-addressed store (read, never written). */
  originalPath: string;
  /** The user's turn and crop of the photo: re-encoded originals are written so (versions already are). */
  frame: PhotoFrame;
  /** The photo's current version, or null when it has never been restored. */
  version: ExportVersion | null;
}

/** A restored version (engine output) as the export needs it. */
export interface ExportVersion {
  id: number;
  /** Absolute path of the restored output file. */
  outputPath: string;
  modelId: string | null;
  /** The restore options recorded with the version (parsed JSON), or null. */
  options: unknown;
  createdAt: string | null;
}

/** Which file of a photo an export entry was made from. */
export type ExportSourceKind = 'original' | 'restored';

/** What the export found in the written file (read back after writing). */
export interface MetadataReport {
  /** 'pixels-rotated' when re-encoded (orientation applied, tag 1), 'tag-kept' for untouched bytes. */
  orientation: 'pixels-rotated' | 'tag-kept';
  orientationTag: number | null;
  /** Whether an EXIF block is present (TIFF output carries date, GPS and caption in XMP instead). */
  exif: boolean;
  xmp: boolean;
  dateTaken: string | null;
  gps: boolean;
  description: string | null;
  /** Size in bytes of the embedded ICC profile, 0 when none. */
  iccBytes: number;
  /** Where the ICC profile came from. */
  icc: 'original' | 'version' | 'srgb' | 'none';
}

/** One line of the manifest. */
export interface ManifestEntry {
  file: string;
  photoId: number;
  sha256: string;
  originalName: string;
  caption: string | null;
  source: ExportSourceKind;
  versionId: number | null;
  modelId: string | null;
  versionOptions: unknown;
  format: ExportFormat;
  /** JPEG quality when the format is jpeg, otherwise null. */
  quality: number | null;
  bytes: number;
  width: number;
  height: number;
  bitDepth: 8 | 16;
  /** Plain-words note, e.g. why the original was exported in place of a restored version. */
  note: string | null;
  metadata: MetadataReport;
}
