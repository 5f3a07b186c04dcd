/**
 * How a photo is shown, applied to a sharp pipeline: upright by its EXIF
 * orientation, turned by the user's quarter turns, then cut to the user's crop
 * (a rectangle of the turned picture). Every rendition, restore and re-encoded
 * export goes through here so they all agree with what the user saw.
 */
import type { Sharp } from 'sharp';
import type { PhotoFrame } from '../shared/media-key.ts';

/** The photo as its file has it, only upright. */
export const UNFRAMED: PhotoFrame = { rotation: 0, crop: null };

export function framed(image: Sharp, frame: PhotoFrame): Sharp {
  // rotate() before extract() makes sharp cut the turned picture, not the file's pixels.
  const turned = image.autoOrient().rotate(frame.rotation);
  return frame.crop ? turned.extract(frame.crop) : turned;
}
