/** One clear sentence per failed file, from file system and decoder errors. */
import { StudioError, type StudioErrorKind } from '../../shared/errors.ts';
import { megabytes } from '../disk-space.ts';
import { MAX_PIXELS } from './formats.ts';

/**
 * Limits and words shared by import and restore, so the same file gets the same answer from both
 * (restore used to say 268 MP, sharp's default, and "unsupported image format" for an empty file).
 */
export const EMPTY_FILE = 'the file is empty (0 bytes)';

export function tooLarge(width: number, height: number): StudioError {
  return new StudioError(
    'too-large',
    `image is ${((width * height) / 1e6).toFixed(0)} MP, over the ${MAX_PIXELS / 1e6} MP limit (decompression bomb protection)`
  );
}

/** A file that did not fit: the library's disk, however the failure was worded where it happened. */
export function libraryFullMessage(free: number | null): string {
  return `the library's disk is full${free === null ? '' : `: ${megabytes(free)} free`}; free some space, then import this file again`;
}

export function describeFsError(err: unknown): { kind: StudioErrorKind; message: string } {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return { kind: 'not-found', message: 'no such file or folder' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'io', message: 'cannot read it: permission denied' };
    case 'EISDIR':
      return { kind: 'io', message: 'is a folder' };
    case 'ENOSPC':
      return { kind: 'io', message: libraryFullMessage(null) };
    default:
      return { kind: 'io', message: `cannot read it: ${(err as Error).message}` };
  }
}

/** Maps what sharp/libvips says into the kind and words a person can act on. */
export function describeDecodeError(err: unknown, format?: string): StudioError {
  const raw = (err as Error).message ?? String(err);
  if (/pixel limit/i.test(raw)) {
    return new StudioError(
      'too-large',
      `image is larger than the ${MAX_PIXELS / 1e6} MP limit (decompression bomb protection)`
    );
  }
  if (format === 'heif' || (!(err instanceof StudioError) && /heif|hevc/i.test(raw))) {
    return new StudioError(
      'unsupported-format',
      'HEIC/HEIF photos cannot be decoded by this build (HEVC is not included); export it as JPEG or PNG first'
    );
  }
  if (format === 'bmp') {
    return new StudioError(
      'unsupported-format',
      'BMP files cannot be decoded by this build (no BMP reader in the bundled libvips); save it as PNG or TIFF first'
    );
  }
  // Our own errors already say what went wrong; only a recognised format above overrides them.
  if (err instanceof StudioError) return err;
  if (/unsupported image format/i.test(raw)) {
    return new StudioError('unsupported-format', 'not an image Heirloom can read (JPEG, PNG, TIFF, WebP, AVIF or GIF)');
  }
  if (/premature end|truncated|end of file|corrupt|invalid|bad|read error|not a|unexpected|Huffman|marker/i.test(raw)) {
    return new StudioError('corrupt-file', `the image data is damaged or incomplete (${firstLine(raw)})`);
  }
  return new StudioError('corrupt-file', `cannot decode the image (${firstLine(raw)})`);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim().slice(0, 200);
}
