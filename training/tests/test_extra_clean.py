"""training.data.qt_rcc and training.data.extra_clean over bundles and Debian packages built here."""
import io
import os
import shutil
import struct
import subprocess
import tempfile
import unittest
import zlib

import numpy as np
from PIL import Image

from training import export
from training.data import extra_clean, qt_rcc
from training.train import load_clean

PREFIX = '/gcompris/src/activities/categorization/resource/images/'


def write_rcc(files: dict[str, bytes], compress: set[str] = frozenset()) -> bytes:
    """A format-2 Qt resource bundle holding `files` ({'/a/b.png': bytes}), laid out as Qt's rcc lays it out:
    every directory's children in consecutive nodes."""
    root: dict = {}
    for path, data in files.items():
        *dirs, leaf = path.strip('/').split('/')
        node = root
        for d in dirs:
            node = node.setdefault(d, {})
        node[leaf] = (path, data)
    names, data_section, nodes = bytearray(), bytearray(), []

    def name_offset(text):
        off = len(names)
        names.extend(struct.pack('>HI', len(text), 0) + text.encode('utf-16-be'))
        return off

    nodes.append(None)
    queue = [(0, '', root)]
    while queue:
        index, name, children = queue.pop(0)
        first = len(nodes)
        nodes.extend([None] * len(children))
        nodes[index] = struct.pack('>IHIIQ', name_offset(name) if index else 0, 2, len(children), first, 0)
        for i, (child, value) in enumerate(sorted(children.items())):
            if isinstance(value, dict):
                queue.append((first + i, child, value))
                continue
            path, body = value
            flags = 0
            if path in compress:
                body, flags = struct.pack('>I', len(body)) + zlib.compress(body), 1
            nodes[first + i] = struct.pack('>IHHHIQ', name_offset(child), flags, 0, 0, len(data_section), 0)
            data_section.extend(struct.pack('>I', len(body)) + body)
    tree = b''.join(nodes)
    header = 20
    return (b'qres' + struct.pack('>IIII', 2, header, header + len(tree), header + len(tree) + len(data_section))
            + tree + bytes(data_section) + bytes(names))


def photo(seed: int, size=(320, 240), fmt='WEBP') -> bytes:
    """A smooth random picture (so its difference hash is its own), encoded as `fmt`."""
    g = np.random.default_rng(seed)
    small = (g.random((6, 8, 3)) * 255).astype(np.uint8)
    img = Image.fromarray(small).resize(size, Image.BICUBIC)
    buf = io.BytesIO()
    img.save(buf, fmt, quality=95)
    return buf.getvalue()


class RccTest(unittest.TestCase):
    def test_reads_every_file_stored_or_compressed(self):
        files = {'/a/one.txt': b'first', '/a/b/two.bin': bytes(range(200)), '/three': b'x' * 1000}
        got = qt_rcc.read_rcc(write_rcc(files, compress={'/three'}))
        self.assertEqual(got, files)

    def test_refuses_what_is_not_a_bundle(self):
        with self.assertRaisesRegex(qt_rcc.RccError, 'no qres header'):
            qt_rcc.read_rcc(b'PK\x03\x04' + bytes(40))
        blob = bytearray(write_rcc({'/x': b'1'}))
        blob[4:8] = struct.pack('>I', 9)
        with self.assertRaisesRegex(qt_rcc.RccError, 'version 9'):
            qt_rcc.read_rcc(bytes(blob))

    def test_refuses_a_tree_that_loops(self):
        blob = bytearray(write_rcc({'/d/x': b'1'}))
        # the directory node (index 1) made to list the root as its child
        struct.pack_into('>I', blob, 20 + 22 + 10, 0)
        with self.assertRaisesRegex(qt_rcc.RccError, 'reached twice'):
            qt_rcc.read_rcc(bytes(blob))


class CreditsTest(unittest.TestCase):
    def test_parses_gcompris_readme_blocks(self):
        text = ('Copyright: Ann\nSource: https://example.org/a.jpg\nLicense: CC0-1.0\nFiles:\na.webp\nb.webp\n\n'
                'Copyright: Bob\nLicense: Public Domain\nFiles:\nc.webp\n\n'
                'Copyright: Dee\nFiles:\nd.webp\n')
        credits = extra_clean.parse_credits(text)
        self.assertEqual(credits['a.webp'], 'CC0-1.0; © Ann; https://example.org/a.jpg')
        self.assertEqual(credits['b.webp'], credits['a.webp'])
        self.assertEqual(credits['c.webp'], 'Public Domain; © Bob; ?')
        self.assertIsNone(credits['d.webp'])  # no licence: the photo is not used

    def test_desktop_credit(self):
        text = '[Desktop Entry]\nX-KDE-PluginInfo-Author=Cal\nX-KDE-PluginInfo-License=Public Domain\n'
        self.assertEqual(extra_clean.desktop_credit(text), 'Public Domain; © Cal; ?')
        self.assertIsNone(extra_clean.desktop_credit('[Desktop Entry]\nX-KDE-PluginInfo-Author=Cal\n'))

    def test_difference_hash_finds_a_resized_copy_and_not_another_photo(self):
        a = Image.open(io.BytesIO(photo(1, (320, 240))))
        self.assertTrue(extra_clean.near(extra_clean.dhash(a.resize((640, 480))), [extra_clean.dhash(a)]))
        b = Image.open(io.BytesIO(photo(2, (320, 240))))
        self.assertFalse(extra_clean.near(extra_clean.dhash(b), [extra_clean.dhash(a)]))


def webp_of(path: str) -> bytes:
    buf = io.BytesIO()
    Image.open(path).save(buf, 'WEBP', quality=95)
    return buf.getvalue()


def build_deb(root: str, package: str, files: dict[str, bytes], debs: str) -> None:
    tree = os.path.join(root, package)
    os.makedirs(os.path.join(tree, 'DEBIAN'))
    with open(os.path.join(tree, 'DEBIAN', 'control'), 'w') as f:
        f.write(f'Package: {package}\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: test\n')
    for path, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(tree, path)), exist_ok=True)
        with open(os.path.join(tree, path), 'wb') as f:
            f.write(data)
    subprocess.run(['dpkg-deb', '--build', '-Zgzip', tree, os.path.join(debs, f'{package}_1.0-1_all.deb')],
                   check=True, capture_output=True)


@unittest.skipUnless(shutil.which('dpkg-deb'), 'needs dpkg-deb')
class BuildTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.data_root = os.path.join(self.tmp, 'datasets')
        self.debs = os.path.join(self.tmp, 'debs')
        for d in ('datasets/benchmarks/SetX', 'datasets/clean', 'debs', 'work'):
            os.makedirs(os.path.join(self.tmp, d))
        Image.open(io.BytesIO(photo(7))).save(os.path.join(self.data_root, 'benchmarks', 'SetX', 'b.png'))
        Image.open(io.BytesIO(photo(8))).save(os.path.join(self.data_root, 'clean', 'c.jpg'))
        credit = 'Copyright: Ann\nSource: https://example.org/{0}\nLicense: CC0-1.0\nFiles:\n{0}.webp\n\n'
        readme = ''.join(credit.format(n) for n in ('fish1', 'fish2', 'tiny', 'leak')).encode()
        bundle = write_rcc({
            PREFIX + 'fishes/README': readme,
            PREFIX + 'fishes/fish1.webp': photo(1),
            PREFIX + 'fishes/fish2.webp': photo(2, (240, 320)),
            PREFIX + 'fishes/tiny.webp': photo(3, (150, 100)),
            PREFIX + 'fishes/nocredit.webp': photo(4),
            PREFIX + 'fishes/leak.webp': webp_of(os.path.join(self.data_root, 'benchmarks', 'SetX', 'b.png')),
            PREFIX + 'alphabets/abc.webp': photo(5),
        })
        build_deb(os.path.join(self.tmp, 'work'), 'gcompris-qt-data', {extra_clean.GCOMPRIS_RCC: bundle}, self.debs)
        desktop = b'[Desktop Entry]\nX-KDE-PluginInfo-Author=Cal\nX-KDE-PluginInfo-License=Public Domain\n'
        build_deb(os.path.join(self.tmp, 'work'), 'palapeli-data', {
            extra_clean.PALAPELI_DIR + '/bridge.jpg': photo(6, (1500, 1000), 'JPEG'),
            extra_clean.PALAPELI_DIR + '/bridge.desktop': desktop}, self.debs)
        self.out = os.path.join(self.tmp, 'extra')

    def test_builds_the_photos_with_their_credits_and_leaves_out_the_rest(self):
        skipped = dict(extra_clean.build(self.out, self.data_root, self.debs))
        files = sorted(f for f in os.listdir(self.out))
        self.assertEqual(files, ['SOURCES.tsv', 'gcompris_categorization-fishes-fish1.jpg',
                                 'gcompris_categorization-fishes-fish2.jpg', 'palapeli_bridge.jpg'])
        self.assertIn('short side 100', skipped['gcompris_categorization-fishes-tiny'])
        self.assertIn('no credit', skipped['gcompris_categorization-fishes-nocredit'])
        self.assertIn('near-duplicate', skipped['gcompris_categorization-fishes-leak'])
        with Image.open(os.path.join(self.out, 'palapeli_bridge.jpg')) as im:
            self.assertEqual((im.size, im.mode, im.format), ((1024, 683), 'RGB', 'JPEG'))
        with open(os.path.join(self.out, 'SOURCES.tsv'), encoding='utf-8') as f:
            rows = f.read().splitlines()
        self.assertIn('gcompris_categorization-fishes-fish1.jpg\tgcompris-qt-data\t1.0-1\t'
                      'CC0-1.0; © Ann; https://example.org/fish1', rows)
        self.assertIn('palapeli_bridge.jpg\tpalapeli-data\t1.0-1\tPublic Domain; © Cal; ?', rows)

    def test_a_rebuild_replaces_the_folder_and_a_failure_keeps_the_previous_one_whole(self):
        extra_clean.build(self.out, self.data_root, self.debs)
        with open(os.path.join(self.out, 'stale.jpg'), 'wb') as f:
            f.write(b'left from an older build')
        extra_clean.build(self.out, self.data_root, self.debs)
        self.assertNotIn('stale.jpg', os.listdir(self.out))
        self.assertEqual([d for d in os.listdir(self.tmp) if d.startswith('.clean-extra-')], [])
        before = sorted(os.listdir(self.out))

        def broken(tree):
            yield 'x', b'not an image', 'CC0'
        with self.assertRaises(Exception):
            extra_clean.build(self.out, self.data_root, self.debs, {'palapeli-data': broken})
        self.assertEqual(sorted(os.listdir(self.out)), before)
        self.assertEqual([d for d in os.listdir(self.tmp) if d.startswith('.clean-extra-')], [])

    def test_training_loads_the_extra_folder_and_names_a_missing_one(self):
        extra_clean.build(self.out, self.data_root, self.debs)
        cfg = {'clean': 'clean', 'clean_extra': [self.out], 'max_side': 1024}
        lines = []
        photos, counts = load_clean(self.data_root, cfg, lines.append)
        self.assertEqual(len(photos), 1 + 3)
        self.assertEqual(counts, {'clean': 1, 'clean_extra': 3})
        # the log lines export reads the model's record from
        logs = os.path.join(self.tmp, 'run')
        os.makedirs(logs)
        with open(os.path.join(logs, 'log.txt'), 'w') as f:
            f.write(''.join(f'10:00:00 {line}\n' for line in lines))
        self.assertEqual(export.read_logs([logs])[2], {'clean': 1, 'clean_extra': 3})
        # two extra folders count together; a resumed run logging the same folders again counts them once
        second = os.path.join(self.tmp, 'second')
        shutil.copytree(self.out, second)
        cfg['clean_extra'] = [self.out, second]
        lines = []
        load_clean(self.data_root, cfg, lines.append)
        with open(os.path.join(logs, 'log.txt'), 'w') as f:
            f.write(''.join(f'10:00:00 {line}\n' for line in lines * 2))
        self.assertEqual(export.read_logs([logs])[2], {'clean': 1, 'clean_extra': 6})
        cfg['clean_extra'] = [os.path.join(self.tmp, 'missing')]
        with self.assertRaisesRegex(SystemExit, 'missing does not exist; build it with'):
            load_clean(self.data_root, cfg, lambda m: None)


if __name__ == '__main__':
    unittest.main()
