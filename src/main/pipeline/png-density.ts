/**
 * Sets a PNG's resolution (its pHYs chunk) to the scan's. Why not sharp: its only
 * way to set density, withMetadata(), also attaches and converts to an sRGB
 * profile, which shifts 16-bit values and turns grey into RGB; and without it
 * libvips writes 1 pixel/mm (25.4 dpi), so a 600-dpi scan would print 24 times too big.
 */
import { crc32 } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data and the CRC over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * `png` with its pHYs replaced by `dpi` pixels per inch (stored per metre, as PNG requires), placed right after IHDR.
 */
export function withPngDensity(png: Buffer, dpi: number): Buffer {
  if (!(dpi > 0) || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return png;
  const perMetre = Math.round(dpi / 0.0254);
  const phys = Buffer.alloc(9);
  phys.writeUInt32BE(perMetre, 0);
  phys.writeUInt32BE(perMetre, 4);
  phys.writeUInt8(1, 8); // unit: metre
  const parts: Buffer[] = [PNG_SIGNATURE];
  for (let at = 8; at + 12 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (type !== 'pHYs') parts.push(png.subarray(at, end));
    if (type === 'IHDR') parts.push(pngChunk('pHYs', phys));
    at = end;
  }
  return Buffer.concat(parts);
}
