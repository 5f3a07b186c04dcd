/**
 * Images the tests make themselves (no dataset files in the repo): smooth,
 * seeded photo-like content in every format import accepts, plus the broken
 * kinds import must refuse with a clear message.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

export type Format = 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif' | 'gif';

/** RGB pixels with gradients and a seeded wave, so every seed gives different bytes. */
export function photoPixels(w: number, h: number, seed: number): Buffer {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = ((x * 255) / w + seed * 37) % 256;
      px[i + 1] = (y * 255) / h;
      px[i + 2] = 128 + 100 * Math.sin((x + 2 * y + seed * 17) / 23);
    }
  return px;
}

export interface PhotoOptions {
  format?: Format;
  seed?: number;
  /** 16 bits per channel (PNG and TIFF). */
  deep?: boolean;
  exif?: { orientation?: number; takenAt?: string; make?: string; model?: string };
}

export async function makePhoto(path: string, w: number, h: number, opts: PhotoOptions = {}): Promise<string> {
  const format = opts.format ?? 'jpeg';
  let img = sharp(photoPixels(w, h, opts.seed ?? 0), { raw: { width: w, height: h, channels: 3 } });
  if (opts.deep) img = img.toColourspace('rgb16');
  if (opts.exif) {
    const ifd0: Record<string, string> = {};
    if (opts.exif.make) ifd0.Make = opts.exif.make;
    if (opts.exif.model) ifd0.Model = opts.exif.model;
    const ifd2: Record<string, string> = {};
    if (opts.exif.takenAt) ifd2.DateTimeOriginal = opts.exif.takenAt;
    img = img.withExif({ IFD0: ifd0, IFD2: ifd2 });
    if (opts.exif.orientation) img = img.withMetadata({ orientation: opts.exif.orientation });
  }
  await mkdir(dirname(path), { recursive: true });
  // sharp writes 8-bit TIFF unless some TIFF option is given.
  const options = format === 'jpeg' ? { quality: 90 } : format === 'tiff' ? { compression: 'deflate' as const } : {};
  await img.toFormat(format, options).toFile(path);
  return path;
}

/** A real PNG header claiming `w × h` pixels with almost no data: a decompression bomb's shape. */
export async function makePngBomb(path: string, w: number, h: number): Promise<void> {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  await writeFile(
    path,
    Buffer.concat([
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(1024))),
      chunk('IEND', Buffer.alloc(0))
    ])
  );
}

/**
 * The first bytes of an HEIC file (ISO-BMFF `ftypheic`) followed by junk: what
 * a phone photo looks like to a decoder without HEVC.
 */
export async function makeFakeHeic(path: string): Promise<void> {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
  await writeFile(path, Buffer.concat([ftyp, Buffer.alloc(2000, 7)]));
}

/** A JPEG cut after `keep` bytes. */
export async function makeTruncatedJpeg(path: string, keep = 400): Promise<void> {
  const full = await sharp(photoPixels(320, 240, 99), { raw: { width: 320, height: 240, channels: 3 } })
    .jpeg()
    .toBuffer();
  await writeFile(path, full.subarray(0, keep));
}

/** A 24-bit BMP (BITMAPINFOHEADER), written by hand: sharp cannot write BMP. */
export async function makeBmp(path: string, w = 8, h = 4): Promise<void> {
  const row = Math.ceil((w * 3) / 4) * 4;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + row * h, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(w, 18);
  header.writeInt32LE(h, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(row * h, 34);
  await writeFile(path, Buffer.concat([header, Buffer.alloc(row * h, 0x80)]));
}
