"""The real-print damage (`degrade.prints`): real film-damage overlays composited, crack networks, folds and torn
edges. Reproducible from their seed, masked where they change the photo, drawn at a photo's scale onto a crop,
within range; and the overlays come from the data root, named when missing."""
import os
import tempfile
import unittest

import numpy as np
from PIL import Image, ImageDraw

from training.degrade import DegradeConfig, degrade
from training.degrade import prints as PR
from training.tests.defect_checks import DefectKindChecks, draw, photo


def write_overlays(root, n=3):
    """root/damage-textures/filmdamage/<kind>/*.png: white RGBA overlays whose alpha holds strokes and specks."""
    rng = np.random.default_rng(5)
    for kind in ('scratches', 'dirt'):
        folder = os.path.join(root, 'damage-textures', 'filmdamage', kind)
        os.makedirs(folder)
        for i in range(n):
            alpha = Image.new('L', (80, 80), 0)
            d = ImageDraw.Draw(alpha)
            for _ in range(4):
                d.line([tuple(rng.uniform(0, 80, 2)), tuple(rng.uniform(0, 80, 2))], fill=int(rng.integers(120, 256)),
                       width=int(rng.integers(1, 3)))
            d.ellipse([30, 30, 36, 35], fill=255)
            rgba = Image.merge('RGBA', [Image.new('L', (80, 80), 255)] * 3 + [alpha])
            rgba.save(os.path.join(folder, f'{kind}-{i:03d}.png'))


class PrintsTest(DefectKindChecks, unittest.TestCase):
    KINDS = PR.KINDS
    MASK_SEEDS = 10

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        write_overlays(cls.tmp.name)
        cls.env = os.environ.get('HEIRLOOM_DATA')
        os.environ['HEIRLOOM_DATA'] = cls.tmp.name
        PR.overlay_files.cache_clear()

    @classmethod
    def tearDownClass(cls):
        if cls.env is None:
            os.environ.pop('HEIRLOOM_DATA', None)
        else:
            os.environ['HEIRLOOM_DATA'] = cls.env
        PR.overlay_files.cache_clear()
        cls.tmp.cleanup()

    def test_overlays_are_marked_where_they_change_the_photo(self):
        # white overlays screened onto white paper change nothing there: those pixels are not damage to find
        half = np.concatenate([np.full((96, 48, 3), 0.97, np.float32), np.full((96, 48, 3), 0.3, np.float32)], 1)
        for seed in range(12):
            img, mask = half.copy(), np.zeros(half.shape[:2], bool)
            PR.film_overlay(img, mask, np.random.default_rng(seed))
            change = np.abs(img - half).max(-1)
            # (a later overlay may darken back a pixel an earlier one brightened: rare, so a share)
            self.assertLess((mask & (change <= PR.VISIBLE)).sum(), 0.05 * max(mask.sum(), 1),
                            f'seed {seed}: pixels marked that did not change')
            self.assertFalse(((change > 0.3) & ~mask).any(), f"seed {seed}: a strong change left unmarked")

    def test_film_benchmark_damage_is_seeded_overlays_only(self):
        from training.benchmark import FILM_STREAM, benchmark_damage, damage_record
        clean = photo(2, 64, 80)
        a, mask_a = benchmark_damage(clean, [1, 2], 'film')
        b, mask_b = benchmark_damage(clean, [1, 2], 'film')
        self.assertTrue(np.array_equal(a, b) and np.array_equal(mask_a, mask_b), 'seeded per photo')
        self.assertTrue(mask_a.any())
        # unmarked pixels change only under an overlay's faint fringe (below wear.MASK_FLOOR's opacity)
        self.assertLessEqual(float(np.abs(a - clean)[mask_a == 0].max()), 0.3, 'nothing but the overlays changes it')
        self.assertIn(str(FILM_STREAM), damage_record('film')['seed'])

    def test_a_window_is_the_crop_of_the_defect_drawn_on_the_whole_photo(self):
        # the overlay's elastic warp is drawn per window; wide strokes are rasterised from window coordinates, so a
        # few pixels along their edges may differ
        self.assert_window_is_the_crop((PR.crack_network, PR.fold, PR.torn_edge), mask_pixels=40)

    def test_cracks_are_thin_long_and_branching_and_show_paper(self):
        clean = np.full((256, 256, 3), 0.3, np.float32)
        for seed in range(6):
            img, mask = draw(PR.crack_network, clean, seed)
            self.assertGreater(mask.mean(), 0.002, seed)
            self.assertLess(mask.mean(), 0.25, 'a network of lines, not a blotch')
            self.assertGreater(img[mask].mean(), 0.6, 'paper showing through is bright')
            # thin: eroding the mask twice leaves little of it
            from scipy import ndimage
            self.assertLess(ndimage.binary_erosion(mask, iterations=2).sum(), 0.35 * mask.sum())

    def test_torn_edges_touch_the_photos_border(self):
        touched = 0
        for seed in range(10):
            _, mask = draw(PR.torn_edge, photo(seed, 128, 128), seed)
            if mask.any():
                border = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
                touched += bool(border.any())
        self.assertGreaterEqual(touched, 8)

    def test_overlays_are_read_from_the_data_root(self):
        files = PR.overlay_files()
        self.assertEqual(sorted(files), ['dirt', 'scratches'])
        self.assertTrue(all(p.startswith(self.tmp.name) for fs in files.values() for p in fs))

    def test_missing_overlays_are_named(self):
        with tempfile.TemporaryDirectory() as empty:
            with self.assertRaisesRegex(FileNotFoundError, 'no film-damage overlays under .*HEIRLOOM_DATA'):
                PR.overlay_files.__wrapped__(os.path.join(empty, 'filmdamage'))

    def test_p_kinds_past_the_ninth_draw_the_print_kinds_and_post_scans_them(self):
        cfg = DegradeConfig(p_structured=1.0, p_kinds=(0,) * 10 + (1, 0, 0), post=1.0)
        img, mask = degrade(photo(3), np.random.default_rng(3), cfg)
        self.assertTrue(mask.any())
        crisp = degrade(photo(3), np.random.default_rng(3), DegradeConfig(p_structured=1.0, p_kinds=(0,) * 10 + (1, 0, 0)))[0]
        self.assertFalse(np.array_equal(img, crisp), 'post blurs and grains the damaged photo again')

    def test_post_zero_draws_nothing(self):
        a = degrade(photo(4), np.random.default_rng(9), DegradeConfig(p_structured=1.0))
        b = degrade(photo(4), np.random.default_rng(9), DegradeConfig(p_structured=1.0, post=0.0))
        np.testing.assert_array_equal(a[0], b[0])


if __name__ == '__main__':
    unittest.main()
