/**
 * The key of a photo's media URL (thumbnail, full-size original): its sha256,
 * with `.r90` / `.r180` / `.r270` for a photo the user turned, `.t<degrees>`
 * for one they straightened and `.c<left>_<top>_<width>_<height>` for one they
 * cropped. Each is a new key, so a browser never shows a cached picture the old way.
 */
import { type Crop, formatCrop, MAX_TILT, parseCrop } from './crop.ts';
import type { Rotation } from './types.ts';

/** How a photo is shown: quarter turns, then a straightening tilt in degrees (clockwise positive), then a crop. */
export interface PhotoFrame {
  rotation: Rotation;
  tilt: number;
  crop: Crop | null;
}

export function photoMediaKey(photo: { sha256: string } & PhotoFrame): string {
  const turn = photo.rotation === 0 ? '' : `.r${photo.rotation}`;
  const tilt = photo.tilt === 0 ? '' : `.t${photo.tilt}`;
  return `${photo.sha256}${turn}${tilt}${photo.crop ? `.c${formatCrop(photo.crop)}` : ''}`;
}

/**
 * Whether a media URL's key is one the transports pass on to `readMedia` (the Electron protocol and the
 * browser bridge both check it first): a version id or a photo key, no path separators, no `..`.
 */
export function isMediaKeyShape(key: string): boolean {
  return /^[A-Za-z0-9._-]{1,200}$/.test(key) && !key.includes('..');
}

/** A turn of `quarters` quarter turns (clockwise positive) added to `rotation`. */
export function turnedBy(rotation: Rotation, quarters: number): Rotation {
  return ((((rotation + quarters * 90) % 360) + 360) % 360) as Rotation;
}

/** The sha256, turn, tilt and crop of a key, or null when it is not one. */
export function parsePhotoMediaKey(key: string): ({ sha256: string } & PhotoFrame) | null {
  const m = /^([0-9a-f]{64})(?:\.r(90|180|270))?(?:\.t(-?\d{1,2}(?:\.\d)?))?(?:\.c(\d+_\d+_\d+_\d+))?$/.exec(key);
  if (!m) return null;
  const crop = m[4] === undefined ? null : parseCrop(m[4]);
  if (m[4] !== undefined && crop === null) return null;
  const tilt = Number(m[3] ?? 0);
  if (Math.abs(tilt) > MAX_TILT || (m[3] !== undefined && tilt === 0)) return null;
  return { sha256: m[1]!, rotation: Number(m[2] ?? 0) as Rotation, tilt, crop };
}
