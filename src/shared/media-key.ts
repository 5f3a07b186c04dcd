/**
 * The key of a photo's media URL (thumbnail, full-size original): its sha256,
 * with `.r90` / `.r180` / `.r270` for a photo the user turned. A turn is a new
 * key, so a browser never shows a cached picture the old way round.
 */
import type { Rotation } from './types.ts';

export function photoMediaKey(photo: { sha256: string; rotation: Rotation }): string {
  return photo.rotation === 0 ? photo.sha256 : `${photo.sha256}.r${photo.rotation}`;
}

/** A turn of `quarters` quarter turns (clockwise positive) added to `rotation`. */
export function turnedBy(rotation: Rotation, quarters: number): Rotation {
  return ((((rotation + quarters * 90) % 360) + 360) % 360) as Rotation;
}

/** The sha256 and turn of a key, or null when it is not one. */
export function parsePhotoMediaKey(key: string): { sha256: string; rotation: Rotation } | null {
  const m = /^([0-9a-f]{64})(?:\.r(90|180|270))?$/.exec(key);
  return m ? { sha256: m[1]!, rotation: Number(m[2] ?? 0) as Rotation } : null;
}
