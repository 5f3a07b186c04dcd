/**
 * The key of a photo's media URL (thumbnail, full-size original): its sha256,
 * with `.r90` / `.r180` / `.r270` for a photo the user turned and
 * `.c<left>_<top>_<width>_<height>` for one they cropped. A turn or crop is a
 * new key, so a browser never shows a cached picture the old way.
 */
import { type Crop, formatCrop, parseCrop } from './crop.ts';
import type { Rotation } from './types.ts';

export interface PhotoFrame {
  rotation: Rotation;
  crop: Crop | null;
}

export function photoMediaKey(photo: { sha256: string } & PhotoFrame): string {
  return `${photo.sha256}${photo.rotation === 0 ? '' : `.r${photo.rotation}`}${photo.crop ? `.c${formatCrop(photo.crop)}` : ''}`;
}

/** A turn of `quarters` quarter turns (clockwise positive) added to `rotation`. */
export function turnedBy(rotation: Rotation, quarters: number): Rotation {
  return ((((rotation + quarters * 90) % 360) + 360) % 360) as Rotation;
}

/** The sha256, turn and crop of a key, or null when it is not one. */
export function parsePhotoMediaKey(key: string): ({ sha256: string } & PhotoFrame) | null {
  const m = /^([0-9a-f]{64})(?:\.r(90|180|270))?(?:\.c(\d+_\d+_\d+_\d+))?$/.exec(key);
  if (!m) return null;
  const crop = m[3] === undefined ? null : parseCrop(m[3]);
  if (m[3] !== undefined && crop === null) return null;
  return { sha256: m[1]!, rotation: Number(m[2] ?? 0) as Rotation, crop };
}
