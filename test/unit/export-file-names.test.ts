import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fileExtension,
  fileStem,
  FileNamer,
  foldName,
  MAX_NAME_BYTES,
  sanitiseSegment
} from '../../src/main/export/file-names.ts';

// eslint-disable-next-line no-control-regex -- a safe name has no control characters: the test says so
const SAFE = /^[^<>:"/\\|?*\u0000-\u001f\u007f]+$/u;

test('sanitiseSegment removes path traversal and separators', () => {
  for (const hostile of [
    '../../etc/passwd',
    '..\\..\\Windows\\system32',
    '/absolute/path',
    'a/../../b',
    '....//....//x'
  ]) {
    const out = sanitiseSegment(hostile);
    assert.ok(!out.includes('/') && !out.includes('\\'), `${hostile} → ${out}`);
    assert.ok(!out.includes('..'), `${hostile} → ${out}`);
    assert.ok(!out.startsWith('.'), `${hostile} → ${out}`);
    assert.match(out, SAFE);
  }
});

test('sanitiseSegment strips control, bidi and Windows-forbidden characters', () => {
  const names = ['a\u0000b\u0007c\u001bd', 'photo\u202Egpj.exe', 'a<b>c:d"e|f?g*h', 'zero\u200bwidth'];
  assert.deepEqual(names.map(sanitiseSegment), ['a b c d', 'photo gpj.exe', 'a_b_c_d_e_f_g_h', 'zero width']);
});

test('sanitiseSegment keeps the first non-empty line and trims trailing dots and spaces', () => {
  const names = ['\n\n  Grandma at the lake\nsecond line', 'name. . .  ', '   ', '...'];
  assert.deepEqual(names.map(sanitiseSegment), ['Grandma at the lake', 'name', '', '']);
});

test('sanitiseSegment defuses Windows device names', () => {
  for (const name of ['CON', 'con', 'Nul', 'aux.txt', 'COM1', 'lpt9', 'COM¹', 'CONIN$']) {
    const out = sanitiseSegment(name);
    assert.ok(out.startsWith('_'), `${name} → ${out}`);
  }
  assert.equal(sanitiseSegment('Conrad'), 'Conrad');
  assert.equal(sanitiseSegment('console'), 'console');
});

test('sanitiseSegment keeps ordinary Unicode and normalises to NFC', () => {
  assert.equal(sanitiseSegment('Oma & Opa, Sommer 1962 — Müritz'), 'Oma & Opa, Sommer 1962 — Müritz');
  assert.equal(sanitiseSegment('Mu\u0308ller'), 'Müller');
  assert.equal(sanitiseSegment('祖母の写真'), '祖母の写真');
});

test('fileStem and fileExtension ignore directories', () => {
  assert.deepEqual([fileStem('/x/y/scan 01.TIFF'), fileStem('.hidden')], ['scan 01', '.hidden']);
  assert.deepEqual(['/x/y/scan 01.TIFF', 'noext', 'weird.ext/../x'].map(fileExtension), ['tiff', '', '']);
});

test('FileNamer numbers, prefers captions and marks restored files', () => {
  const n = new FileNamer(12);
  assert.equal(n.name(1, 'Grandma at the lake', 'scan001.tif', false, 'jpg'), '001 - Grandma at the lake.jpg');
  assert.equal(
    n.name(1, 'Grandma at the lake', 'scan001.tif', true, 'jpg'),
    '001 - Grandma at the lake (restored).jpg'
  );
  assert.equal(n.name(2, null, 'IMG_0042.JPG', false, 'png'), '002 - IMG_0042.png');
  assert.equal(n.name(3, '../../', '..', false, 'jpg'), '003 - photo.jpg');
  assert.equal(n.name(4, '  ', 'CON.jpg', false, 'jpg'), '004 - _CON.jpg');
  assert.equal(new FileNamer(1500).name(7, null, 'a.jpg', false, 'jpg'), '0007 - a.jpg');
});

test('FileNamer names are unique case-insensitively and never the manifest', () => {
  const n = new FileNamer(3, ['manifest.json']);
  const a = n.name(1, 'Beach', 'x.jpg', false, 'jpg');
  const b = n.name(1, 'BEACH', 'x.jpg', false, 'jpg');
  const c = n.name(1, 'beach', 'x.jpg', false, 'JPG');
  assert.equal(a, '001 - Beach.jpg');
  assert.equal(b, '001 - BEACH (2).jpg');
  assert.equal(c, '001 - beach (3).jpg');
  assert.equal(new Set([a, b, c].map(foldName)).size, 3);
});

test('FileNamer limits names to MAX_NAME_BYTES without splitting characters', () => {
  const n = new FileNamer(1);
  const long = '写真'.repeat(300);
  const name = n.name(1, long, 'x.jpg', true, 'jpg');
  assert.ok(Buffer.byteLength(name) <= MAX_NAME_BYTES, `${Buffer.byteLength(name)} bytes`);
  assert.ok(name.endsWith(' (restored).jpg'));
  assert.ok(!name.includes('\ufffd'));
  const emoji = n.name(1, '👪'.repeat(200), 'x.jpg', false, 'jpg');
  assert.ok(Buffer.byteLength(emoji) <= MAX_NAME_BYTES);
  assert.equal(Buffer.from(emoji).toString('utf8'), emoji, 'no lone surrogates');
});

test('FileNamer sanitises the extension too', () => {
  const n = new FileNamer(1);
  assert.equal(n.name(1, 'a', 'a', false, '../.j/p:g'), '001 - a.jpg');
  assert.equal(n.name(1, 'b', 'b', false, ''), '001 - b.bin');
});

test('numbered destinations keep the extension last', async () => {
  const { numbered } = await import('../../src/main/export/destination.ts');
  assert.equal(numbered('/x/photos', 1), '/x/photos');
  assert.equal(numbered('/x/photos', 2), '/x/photos (2)');
  assert.equal(numbered('/x/album.zip', 3, '.zip'), '/x/album (3).zip');
});
