/**
 * The export manifest: one entry per written file, its source photo, the
 * version it came from and what was done to it. JSON holds everything; CSV
 * flattens it to one row per file for spreadsheets.
 */
import type { ExportFormat, ExportWhat } from './types.ts';
import type { ManifestEntry } from './types.ts';

/** Everything the manifest says about the export as a whole. */
export interface ManifestHeader {
  /** Null when a selection of photos was exported rather than an album. */
  album: { id: number; name: string } | null;
  what: ExportWhat;
  format: ExportFormat;
  quality: number | null;
  createdAt: string;
  /** How photos without a restored version were handled. */
  unrestoredPolicy: string;
  orientationPolicy: string;
}

export const MANIFEST_FILES = { json: 'manifest.json', csv: 'manifest.csv' } as const;

export function manifestJson(header: ManifestHeader, entries: ManifestEntry[]): string {
  return `${JSON.stringify({ generator: 'heirloom', manifestVersion: 1, ...header, files: entries }, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'file',
  'photo_id',
  'sha256',
  'original_name',
  'caption',
  'source',
  'version_id',
  'model_id',
  'version_options',
  'format',
  'quality',
  'bytes',
  'width',
  'height',
  'bit_depth',
  'orientation',
  'exif',
  'xmp',
  'date_taken',
  'gps',
  'description',
  'icc',
  'note'
] as const;

function row(e: ManifestEntry): unknown[] {
  const m = e.metadata;
  return [
    e.file,
    e.photoId,
    e.sha256,
    e.originalName,
    e.caption,
    e.source,
    e.versionId,
    e.modelId,
    e.versionOptions === null || e.versionOptions === undefined ? null : JSON.stringify(e.versionOptions),
    e.format,
    e.quality,
    e.bytes,
    e.width,
    e.height,
    e.bitDepth,
    m.orientation,
    m.exif,
    m.xmp,
    m.dateTaken,
    m.gps,
    m.description,
    m.icc,
    e.note
  ];
}

/**
 * RFC 4180 quoting, and a leading apostrophe on cells that a spreadsheet would
 * run as a formula (captions are user text: "=HYPERLINK(...)").
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function manifestCsv(entries: ManifestEntry[]): string {
  const lines = [CSV_COLUMNS.join(','), ...entries.map((e) => row(e).map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
