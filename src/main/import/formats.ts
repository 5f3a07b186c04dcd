/** What import accepts, and the limits it enforces. */

/** Larger images are refused before decoding (decompression bombs); a 250 MP scan is a 20,000 × 12,500 px drum scan. */
export const MAX_PIXELS = 250_000_000;

/** Extensions walked in folders. Files given one by one are always tried, whatever their name. */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.tif',
  '.tiff',
  '.webp',
  '.avif',
  '.gif',
  '.bmp',
  '.heic',
  '.heif'
]);

/** Formats the store keeps, by sharp's format name → extension of the stored copy. */
export const STORED_EXTENSION: Record<string, string> = {
  jpeg: '.jpg',
  png: '.png',
  tiff: '.tiff',
  webp: '.webp',
  avif: '.avif',
  gif: '.gif',
  bmp: '.bmp'
};

/** Formats a browser shows directly; others get a full-size PNG rendition for the detail view. */
export const BROWSER_FORMATS = new Set(['jpeg', 'png', 'webp', 'avif', 'gif']);

export const THUMB_SIZE = 360;
