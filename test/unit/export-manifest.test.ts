import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CSV_COLUMNS, csvCell, manifestCsv, manifestJson } from '../../src/main/export/manifest.ts';
import type { ManifestEntry } from '../../src/main/export/types.ts';

const entry = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({
  file: '001 - Beach.jpg',
  photoId: 7,
  sha256: 'ab'.repeat(32),
  originalName: 'scan, "first".tif',
  caption: '=HYPERLINK("http://x")',
  source: 'restored',
  versionId: 3,
  modelId: 'bopb-2026.11',
  versionOptions: { scratches: 'auto' },
  format: 'jpeg',
  quality: 90,
  bytes: 1234,
  width: 64,
  height: 48,
  bitDepth: 8,
  note: null,
  metadata: {
    orientation: 'pixels-rotated',
    orientationTag: 1,
    exif: true,
    xmp: false,
    dateTaken: '1962:07:01 12:00:00',
    gps: true,
    description: 'Beach',
    iccBytes: 480,
    icc: 'srgb'
  },
  ...over
});

test('csvCell quotes per RFC 4180 and defuses formulas', () => {
  const cells = { plain: 'plain', 'a,b': '"a,b"', 'say "hi"': '"say ""hi"""', 'two\nlines': '"two\nlines"' };
  const formulas = { '=1+1': "'=1+1", '@SUM(A1)': "'@SUM(A1)" };
  for (const [cell, csv] of Object.entries({ ...cells, ...formulas })) assert.equal(csvCell(cell), csv);
  assert.deepEqual([-3, null, true].map(csvCell), ['-3', '', 'true']);
});

test('manifestCsv writes a header and one row per file', () => {
  const csv = manifestCsv([
    entry(),
    entry({ file: '002 - x.jpg', source: 'original', versionId: null, versionOptions: null })
  ]);
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  assert.ok(lines[1].startsWith('001 - Beach.jpg,7,'));
  assert.ok(lines[1].includes('"scan, ""first"".tif"'));
  assert.ok(lines[1].includes(`"'=HYPERLINK(""http://x"")"`));
  assert.ok(lines[1].includes('"{""scratches"":""auto""}"'));
  assert.ok(lines[2].startsWith('002 - x.jpg,7,'));
});

test('manifestJson holds the header and every entry', () => {
  const json = JSON.parse(
    manifestJson(
      {
        album: { id: 1, name: 'Summer' },
        what: 'both',
        format: 'jpeg',
        quality: 90,
        createdAt: '2026-11-24T00:00:00.000Z',
        unrestoredPolicy: 'p',
        orientationPolicy: 'o'
      },
      [entry()]
    )
  );
  assert.equal(json.generator, 'heirloom');
  assert.equal(json.album.name, 'Summer');
  assert.equal(json.files.length, 1);
  assert.deepEqual(json.files[0], entry());
});
