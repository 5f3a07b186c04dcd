/**
 * How a photo is shown, applied to a sharp pipeline: upright by its EXIF
 * orientation, turned by the user's quarter turns and straightening tilt (one
 * rotation), then cut to the straightened frame and the user's crop (a
 * rectangle of that frame). Every rendition, restore and re-encoded export goes
 * through here so they all agree with what the user saw.
 */
import type { Sharp } from 'sharp';
import { shownFrame, straightenedOffset, turnedSize } from '../../shared/crop.ts';
import type { PhotoFrame } from '../../shared/media-key.ts';

/** The photo as its file has it, only upright. */
export const UNFRAMED: PhotoFrame = { rotation: 0, tilt: 0, crop: null };

export async function framed(image: Sharp, frame: PhotoFrame): Promise<Sharp> {
  if (frame.tilt === 0) {
    // rotate() before extract() makes sharp cut the turned picture, not the file's pixels.
    const turned = image.autoOrient().rotate(frame.rotation);
    return frame.crop ? turned.extract(frame.crop) : turned;
  }
  const meta = await image.metadata();
  const file = {
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    orientation: meta.orientation ?? null,
    rotation: frame.rotation,
    tilt: frame.tilt
  };
  const offset = straightenedOffset(turnedSize(file), frame.tilt);
  const size = frame.crop ?? { left: 0, top: 0, ...shownFrame(file) };
  // The corners the tilt brings in are cut away with the frame, so their colour never shows.
  return image
    .autoOrient()
    .rotate(frame.rotation + frame.tilt, { background: '#000000' })
    .extract({ left: offset.left + size.left, top: offset.top + size.top, width: size.width, height: size.height });
}
