"""The reference code's degradation recipe (`degrade.released`, `DegradeConfig.released`): its ranges, its
salt and pepper, white painted scratches with their exact mask, and absent unless asked for."""
import unittest
from unittest import mock

import numpy as np

from training.degrade import DegradeConfig, degrade
from training.degrade import pipeline as P
from training.degrade import released as R
from training.tests.helpers import synthetic_photo


def photo(seed=0, h=96, w=128):
    return synthetic_photo(np.random.default_rng(seed), h, w)


class ReleasedRecipeTest(unittest.TestCase):
    def test_off_by_default_it_is_never_drawn(self):
        with mock.patch.object(P, 'released_faults', side_effect=AssertionError('drawn')):
            for seed in range(6):
                degrade(photo(seed), np.random.default_rng(seed), DegradeConfig(p_clean=0.2))

    def test_a_share_of_one_replaces_our_table_on_every_damaged_photo(self):
        calls = []
        real = P.released_faults
        with mock.patch.object(P, '_apply', side_effect=AssertionError('our table was drawn')), \
                mock.patch.object(P, 'released_faults', lambda img, rng: calls.append(1) or real(img, rng)):
            for seed in range(6):
                img, mask = degrade(photo(seed), np.random.default_rng(seed), DegradeConfig(released=1.0, p_structured=0))
                self.assertEqual(img.dtype, np.float32)
                self.assertTrue(0 <= img.min() and img.max() <= 1)
                self.assertFalse(mask.any())
        self.assertEqual(len(calls), 6)

    def test_with_released_colour_only_our_colour_faults_join_the_recipe(self):
        drawn = []
        real = P._apply
        with mock.patch.object(P, '_apply', lambda name, img, rng, wide=False: drawn.append(name) or real(name, img, rng, wide)):
            for seed in range(30):
                degrade(photo(seed), np.random.default_rng(seed), DegradeConfig(released=1.0, released_colour=True, p_structured=0))
        self.assertTrue(drawn)
        self.assertLessEqual(set(drawn), {'fade', 'tone'})

    def test_a_share_outside_zero_to_one_is_refused(self):
        with self.assertRaisesRegex(ValueError, 'degrade.released is a share of photos, from 0 to 1, not 1.5'):
            DegradeConfig(released=1.5)

    def test_a_seed_reproduces_its_photo(self):
        cfg = DegradeConfig(released=0.5, p_structured=1.0)
        for seed in range(4):
            a, ma = degrade(photo(seed), np.random.default_rng(seed), cfg)
            b, mb = degrade(photo(seed), np.random.default_rng(seed), cfg)
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(ma, mb)

    def test_salt_and_pepper_sets_at_most_one_percent_of_pixels_to_black_or_white(self):
        img = np.full((200, 200, 3), 0.5, np.float32)
        hits = 0
        for seed in range(40):
            rng = np.random.default_rng(seed)
            if int(np.random.default_rng(seed).integers(3)) != 2:
                continue
            out = R.noise(img, rng)
            changed = (out != img).any(-1)
            self.assertLessEqual(changed.mean(), 0.01)
            self.assertTrue(np.isin(out[changed], [0.0, 1.0]).all())
            hits += 1
        self.assertGreater(hits, 5)

    def test_blur_keeps_a_flat_photo_and_softens_an_edge(self):
        flat = np.full((40, 40, 3), 0.3, np.float32)
        np.testing.assert_allclose(R.blur(flat, np.random.default_rng(0)), flat, atol=1e-6)
        edge = np.zeros((40, 40, 3), np.float32)
        edge[:, 20:] = 1
        out = R.blur(edge, np.random.default_rng(1))
        self.assertTrue(0 < out[5, 19, 0] < 1 and 0 < out[5, 20, 0] < 1)

    def test_low_resolution_and_jpeg_keep_the_size_and_stay_close(self):
        img = photo(3)
        for fn in (R.low_resolution, R.jpeg):
            out = fn(img, np.random.default_rng(5))
            self.assertEqual(out.shape, img.shape)
            self.assertLess(np.abs(out - img).mean(), 0.1)

    def test_painted_scratches_are_white_exactly_where_the_mask_says(self):
        for seed in range(5):
            clean = photo(seed) * 0.9
            img = clean.copy()
            mask = R.painted_scratches(img, np.random.default_rng(seed)).astype(bool)
            self.assertTrue(mask.any())
            self.assertTrue((img[mask] == 1.0).all())
            np.testing.assert_array_equal(img[~mask], clean[~mask])

    def test_released_damage_gives_a_photo_and_its_mask(self):
        img, mask = R.released_damage(photo(2), np.random.default_rng(9))
        self.assertEqual((img.shape, img.dtype, mask.shape, mask.dtype), ((96, 128, 3), np.float32, (96, 128), np.uint8))
        self.assertTrue((img[mask > 0] == 1.0).all())


if __name__ == '__main__':
    unittest.main()
