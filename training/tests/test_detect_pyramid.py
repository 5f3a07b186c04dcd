"""Pyramid detection (detect_pyramid.py): its resampling is PyTorch's, its levels stop at the short-side limit,
and coarse levels only add to the full-scale mask."""
import unittest

import numpy as np
import torch
import torch.nn.functional as F

from training.detect_pyramid import halve, large_pieces, levels, pyramid_mask, upsample


class PyramidTest(unittest.TestCase):
    def test_halve_is_a_2x2_box_mean_dropping_odd_edges(self):
        g = np.random.default_rng(0).uniform(-1, 1, (37, 50)).astype(np.float32)
        want = F.avg_pool2d(torch.from_numpy(g)[None, None], 2)[0, 0].numpy()
        self.assertEqual(halve(g).shape, (18, 25))
        np.testing.assert_allclose(halve(g), want, atol=1e-6)

    def test_upsample_is_torch_bilinear_with_half_pixel_centres(self):
        rng = np.random.default_rng(1)
        for (h, w), (H, W) in [((4, 6), (8, 12)), ((18, 25), (37, 50)), ((9, 9), (37, 41)), ((5, 7), (5, 7)), ((1, 3), (4, 9))]:
            p = rng.uniform(0, 1, (h, w)).astype(np.float32)
            want = F.interpolate(torch.from_numpy(p)[None, None], size=(H, W), mode='bilinear', align_corners=False)[0, 0].numpy()
            np.testing.assert_allclose(upsample(p, H, W), want, atol=1e-6, err_msg=f'{h}x{w} -> {H}x{W}')

    def test_levels_keep_the_short_side_at_the_limit(self):
        self.assertEqual(levels(256, 300, 128), 1)
        self.assertEqual(levels(255, 300, 128), 0)
        self.assertEqual(levels(768, 1024, 128), 2)  # 384, 192; 96 would be under the limit
        self.assertEqual(levels(1024, 768, 64), 3)

    def test_coarse_levels_only_add_at_their_own_threshold(self):
        grey = np.zeros((300, 520), np.float32)
        seen = []

        def probabilities(g):
            seen.append(g.shape)
            # full scale finds nothing in the left half; the coarse levels report 0.85 everywhere
            p = np.full(g.shape, 0.85 if g.shape != grey.shape else 0.0, np.float32)
            if g.shape == grey.shape:
                p[:, 260:] = 0.6
            return p

        single = pyramid_mask(probabilities, grey, 0.5, None)
        self.assertEqual(seen, [(300, 520)])
        self.assertEqual(int(single.sum()), 300 * 260)
        seen.clear()
        strict = pyramid_mask(probabilities, grey, 0.5, {'minSide': 100, 'threshold': 0.9, 'minArea': 0})
        self.assertEqual(seen, [(300, 520), (150, 260)])  # 75 px would be under the limit
        np.testing.assert_array_equal(strict, single)
        both = pyramid_mask(probabilities, grey, 0.5, {'minSide': 100, 'threshold': 0.8, 'minArea': 0})
        self.assertTrue(both.all())


    def test_coarse_pieces_under_min_area_are_dropped(self):
        grey = np.zeros((256, 256), np.float32)

        def probabilities(g):
            p = np.zeros(g.shape, np.float32)
            if g.shape == grey.shape:
                p[0, 0] = 1  # one full-scale pixel: kept whatever its size
                return p
            p[10:12, 10:12] = 1    # 4 cells → 7 × 7 px at full size after upsampling and the threshold
            p[40:70, 40:70] = 1    # a big piece
            return p

        mask = pyramid_mask(probabilities, grey, 0.5, {'minSide': 128, 'threshold': 0.5, 'minArea': 100})
        self.assertTrue(mask[0, 0])
        self.assertFalse(mask[20:24, 20:24].any(), 'the small coarse piece goes')
        self.assertTrue(mask[100:120, 100:120].all(), 'the big one stays')
        loose = pyramid_mask(probabilities, grey, 0.5, {'minSide': 128, 'threshold': 0.5, 'minArea': 0})
        self.assertTrue(loose[20:24, 20:24].all())

    def test_large_pieces_counts_8_connected_pixels(self):
        m = np.zeros((8, 8), bool)
        m[0, 0] = m[1, 1] = m[2, 2] = True  # a diagonal: one 8-connected piece of 3
        m[5, 5] = m[5, 7] = True            # two single pixels
        np.testing.assert_array_equal(large_pieces(m, 3), np.eye(8, dtype=bool) & (np.arange(8) < 3)[:, None])
        np.testing.assert_array_equal(large_pieces(m, 1), m)


if __name__ == '__main__':
    unittest.main()
