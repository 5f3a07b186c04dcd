/**
 * Export file names: `NNN - <caption or original stem>[ (restored)].<ext>`.
 *
 * Captions and imported names are user data and may hold anything: path
 * separators, `..`, control or bidi-override characters, Windows device names.
 * Everything here is pure so the hostile cases can be unit-tested.
 */

/** Longest file name we write, in UTF-8 bytes (most filesystems allow 255). */
export const MAX_NAME_BYTES = 200;
/** Longest caption/stem part, in characters, before the byte limit applies. */
export const MAX_BASE_CHARS = 100;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
// Cc/Cf cover C0/C1 controls and invisible format characters such as U+202E (right-to-left
// override, used to disguise "gpj.exe" as "exe.jpg"); Zl/Zp are line and paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const SEPARATORS = /[/\\]/g;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;

/**
 * Makes one path segment safe on Linux, macOS and Windows. Returns '' when
 * nothing usable is left (the caller picks a fallback).
 */
export function sanitiseSegment(raw: string): string {
  let s = raw.normalize('NFC');
  // Only the first line of a multi-line caption makes a reasonable file name.
  s = s.split(/\r\n|\r|\n|\u2028|\u2029/u).find((line) => line.trim() !== '') ?? '';
  s = s.replace(INVISIBLE, ' ').replace(SEPARATORS, ' ').replace(WINDOWS_FORBIDDEN, '_');
  s = s.replace(/\s+/gu, ' ');
  // Runs of dots: no `..` survives, and a leading dot would hide the file.
  s = s.replace(/\.{2,}/g, '.').replace(/^[\s.]+/u, '');
  s = truncateChars(s, MAX_BASE_CHARS);
  // Windows silently drops trailing dots and spaces, which would alias names.
  s = s.replace(/[\s.]+$/u, '');
  // Nothing but punctuation (what is left of "../..") is no name at all.
  if (!/[\p{L}\p{N}]/u.test(s)) return '';
  const stem = s.split('.')[0] ?? '';
  if (WINDOWS_RESERVED.test(stem.trim())) s = `_${s}`;
  return s;
}

/** The stem of a file name (no directories, no last extension). */
export function fileStem(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Lower-case extension of a file name without the dot, or '' (only plain short extensions count). */
export function fileExtension(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? '';
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(base);
  return m ? m[1].toLowerCase() : '';
}

function truncateChars(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length > max ? chars.slice(0, max).join('') : s;
}

function truncateBytes(s: string, maxBytes: number): string {
  let out = s;
  while (Buffer.byteLength(out, 'utf8') > maxBytes) out = Array.from(out).slice(0, -1).join('');
  return out;
}

/**
 * Hands out file names for one export. Names are unique case-insensitively
 * (and after Unicode normalisation), because the export may land on a
 * case-insensitive filesystem or be unzipped onto one.
 */
export class FileNamer {
  private readonly taken = new Set<string>();
  private readonly width: number;

  constructor(photoCount: number, reserved: string[] = []) {
    this.width = Math.max(3, String(photoCount).length);
    for (const name of reserved) this.taken.add(foldName(name));
  }

  /**
   * @param index 1-based position of the photo in the album.
   * @param caption used when it has usable characters, else the original stem.
   * @param originalName the imported file name.
   * @param restored adds the ` (restored)` suffix.
   * @param ext extension without the dot.
   */
  name(index: number, caption: string | null, originalName: string, restored: boolean, ext: string): string {
    const fromCaption = caption ? sanitiseSegment(caption) : '';
    const base = fromCaption || sanitiseSegment(fileStem(originalName)) || 'photo';
    const number = String(index).padStart(this.width, '0');
    const suffix = restored ? ' (restored)' : '';
    const safeExt =
      sanitiseSegment(ext)
        .replace(/[^A-Za-z0-9]/g, '')
        .toLowerCase() || 'bin';
    for (let n = 1; ; n++) {
      const dup = n === 1 ? '' : ` (${n})`;
      const fixed = `${number} - ${suffix}${dup}.${safeExt}`;
      const room = MAX_NAME_BYTES - Buffer.byteLength(fixed, 'utf8');
      const trimmed = truncateBytes(base, room).replace(/[\s.]+$/u, '') || 'photo';
      const candidate = `${number} - ${trimmed}${suffix}${dup}.${safeExt}`;
      const key = foldName(candidate);
      if (!this.taken.has(key)) {
        this.taken.add(key);
        return candidate;
      }
    }
  }
}

/** The comparison key for "same name" on case-insensitive filesystems. */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
