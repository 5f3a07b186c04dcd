/**
 * Metadata written into exported files: the caption (EXIF ImageDescription,
 * ASCII by the EXIF spec, plus XMP dc:description which holds any Unicode) and
 * XMP, and a read-back report of what actually landed in a written file, for
 * the manifest. The EXIF carried from the original is read in image/metadata.ts.
 */
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { exifDate, type ExifTags } from '../image/metadata.ts';
import type { MetadataReport } from './types.ts';

const PUNCTUATION: Record<string, string> = {
  '\u2013': '-',
  '\u2014': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2026': '...'
};

/** The caption as EXIF ImageDescription allows it: 7-bit ASCII (accents folded, the rest as '?'). */
export function asciiCaption(caption: string): string {
  return (
    caption
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\u2013\u2014\u2018\u2019\u201c\u201d\u2026]/g, (c) => PUNCTUATION[c] ?? '?')
      // eslint-disable-next-line no-control-regex -- control characters become spaces in the ASCII fields
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .replace(/[^\u0020-\u007e]/g, '?')
  );
}

const xmlEscape = (s: string) =>
  s
    // XML 1.0 forbids most control characters even when escaped.
    // eslint-disable-next-line no-control-regex -- those control characters are what is removed
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** EXIF `51/1 30/1 1234/100` + `N` → XMP GPSCoordinate `51,30.205667N`. */
function xmpCoordinate(value: string | undefined, ref: string | undefined): string | null {
  if (!value || !ref) return null;
  const parts = value.split(' ').map((r) => {
    const [n, d] = r.split('/').map(Number);
    return d ? n / d : NaN;
  });
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v))) return null;
  return `${parts[0]},${(parts[1] + parts[2] / 60).toFixed(6)}${ref}`;
}

/**
 * An XMP packet with the caption (dc:description, full Unicode) and, from the
 * EXIF tags, date taken, GPS and camera. TIFF output needs this: libvips writes
 * no EXIF block into TIFFs, but it does write XMP, which every photo tool reads.
 */
export function metadataXmp(caption: string | null, exif: ExifTags, takenAt: string | null = null): string {
  const props: string[] = [];
  // XMP's date holds a year or a month alone, which EXIF cannot.
  if (takenAt) props.push(`<photoshop:DateCreated>${xmlEscape(takenAt)}</photoshop:DateCreated>`);
  const description = caption?.trim() ? caption : exif.IFD0?.ImageDescription;
  if (description) {
    props.push(
      `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(description)}</rdf:li></rdf:Alt></dc:description>`
    );
  }
  const taken = exif.IFD2?.DateTimeOriginal;
  const iso = taken && /^(\d{4}):(\d\d):(\d\d) (\d\d:\d\d:\d\d)$/.exec(taken);
  if (iso) props.push(`<exif:DateTimeOriginal>${iso[1]}-${iso[2]}-${iso[3]}T${iso[4]}</exif:DateTimeOriginal>`);
  const lat = xmpCoordinate(exif.IFD3?.GPSLatitude, exif.IFD3?.GPSLatitudeRef);
  const lon = xmpCoordinate(exif.IFD3?.GPSLongitude, exif.IFD3?.GPSLongitudeRef);
  if (lat && lon)
    props.push(`<exif:GPSLatitude>${lat}</exif:GPSLatitude>`, `<exif:GPSLongitude>${lon}</exif:GPSLongitude>`);
  if (exif.IFD0?.Make) props.push(`<tiff:Make>${xmlEscape(exif.IFD0.Make)}</tiff:Make>`);
  if (exif.IFD0?.Model) props.push(`<tiff:Model>${xmlEscape(exif.IFD0.Model)}</tiff:Model>`);
  return [
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">',
    ...props,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>'
  ].join('');
}

/** What our own XMP says, for files without EXIF (TIFF). */
function fromXmp(xmp: string): { dateTaken: string | null; gps: boolean; description: string | null } {
  const taken = /<exif:DateTimeOriginal>(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)/.exec(xmp);
  const description = /<dc:description>\s*<rdf:Alt>\s*<rdf:li[^>]*>([^<]*)</.exec(xmp);
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  return {
    dateTaken: taken ? `${taken[1]}:${taken[2]}:${taken[3]} ${taken[4]}` : null,
    gps: /<exif:GPSLatitude>/.test(xmp) && /<exif:GPSLongitude>/.test(xmp),
    description: description ? unescape(description[1]) : null
  };
}

/** Reads a written file back and says what metadata it carries. */
export async function readBack(
  path: string,
  orientation: MetadataReport['orientation'],
  icc: MetadataReport['icc']
): Promise<{ width: number; height: number; bitDepth: 8 | 16; metadata: MetadataReport }> {
  const meta = await sharp(path).metadata();
  let dateTaken: string | null = null;
  let gps = false;
  let description: string | null = null;
  if (meta.exif) {
    try {
      const e = exifReader(meta.exif);
      const taken = e.Photo?.DateTimeOriginal ?? e.Image?.DateTime;
      dateTaken = taken instanceof Date ? exifDate(taken) : null;
      gps = e.GPSInfo?.GPSLatitude !== undefined && e.GPSInfo?.GPSLongitude !== undefined;
      description = typeof e.Image?.ImageDescription === 'string' ? e.Image.ImageDescription : null;
    } catch {
      // reported as exif: true with nothing readable
    }
  }
  const xmp = meta.xmp?.toString('utf8') ?? '';
  if (!meta.exif && xmp) ({ dateTaken, gps, description } = fromXmp(xmp));
  const iccBytes = meta.icc?.length ?? 0;
  return {
    width: meta.autoOrient?.width ?? meta.width ?? 0,
    height: meta.autoOrient?.height ?? meta.height ?? 0,
    bitDepth: meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8,
    metadata: {
      orientation,
      orientationTag: meta.orientation ?? null,
      exif: Boolean(meta.exif && meta.exif.length > 0),
      xmp: xmp.length > 0,
      dateTaken,
      gps,
      description,
      iccBytes,
      // sharp tags converted pixels (e.g. CMYK → RGB) with sRGB even when the source had no profile.
      icc: iccBytes === 0 ? 'none' : icc === 'none' ? 'srgb' : icc
    }
  };
}
