"""The synthetic degradation: reproducible from a seed, well-formed, and its
mask covers every structured defect it draws (the detector's ground truth and
the mapping's M)."""
import unittest

import numpy as np
import torch

from training.data import PairDataset, engine_grey
from training.degrade import DegradeConfig, degrade, target
from training.degrade import structured as S
from training.degrade.pipeline import _window
from training.losses import latent_mask
from training.tests.helpers import synthetic_photo

STRUCTURED = [S.scratches, S.dust, S.blotches, S.tears]


def photo(seed=0, h=72, w=104):
    return synthetic_photo(np.random.default_rng(seed), h, w)


class DegradeTest(unittest.TestCase):
    def test_same_seed_same_result(self):
        clean = photo()
        for seed in range(4):
            a, ma = degrade(clean, np.random.default_rng(seed))
            b, mb = degrade(clean, np.random.default_rng(seed))
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(ma, mb)
        c, _ = degrade(clean, np.random.default_rng(99))
        self.assertFalse(np.array_equal(a, c), 'different seeds should give different degradations')

    def test_does_not_modify_the_clean_input(self):
        clean = photo()
        before = clean.copy()
        degrade(clean, np.random.default_rng(3), DegradeConfig(p_structured=1.0))
        np.testing.assert_array_equal(clean, before)

    def test_shapes_types_and_ranges(self):
        for seed, (h, w) in enumerate([(72, 104), (33, 47), (128, 64)]):
            for strength in (0.5, 1.0, 2.0):
                img, mask = degrade(photo(seed, h, w), np.random.default_rng(seed), DegradeConfig(strength=strength))
                self.assertEqual(img.shape, (h, w, 3))
                self.assertEqual(img.dtype, np.float32)
                self.assertEqual(mask.shape, (h, w))
                self.assertEqual(mask.dtype, np.uint8)
                self.assertTrue(np.isfinite(img).all())
                self.assertGreaterEqual(img.min(), 0.0)
                self.assertLessEqual(img.max(), 1.0)
                self.assertTrue(set(np.unique(mask)) <= {0, 1})

    def test_no_structured_defects_means_an_empty_mask(self):
        for seed in range(5):
            _, mask = degrade(photo(seed), np.random.default_rng(seed), DegradeConfig(p_structured=0.0))
            self.assertEqual(mask.sum(), 0)

    def test_structured_defects_always_come_with_a_mask(self):
        for seed in range(8):
            _, mask = degrade(photo(seed), np.random.default_rng(seed), DegradeConfig(p_structured=1.0))
            self.assertGreater(mask.sum(), 0, f'seed {seed}')

    def test_each_structured_defect_is_inside_its_mask(self):
        """Drawn alone on a clean photo: every defect marks pixels, and pixels it changed strongly
        (by more than the 0.25 alpha below which a pixel is left out of the mask) lie inside the mask."""
        for fn in STRUCTURED:
            for seed in range(6):
                clean = photo(seed)
                img, mask = clean.copy(), np.zeros(clean.shape[:2], bool)
                fn(img, mask, np.random.default_rng(seed))
                self.assertTrue(mask.any(), f'{fn.__name__} seed {seed}: empty mask')
                changed = np.abs(img - clean).max(-1) > 0.3
                outside = changed & ~mask
                self.assertLessEqual(outside.sum(), 0.001 * (~mask).sum(),
                                     f'{fn.__name__} seed {seed}: {outside.sum()} strongly changed pixels outside the mask')
                self.assertGreater((np.abs(img - clean).max(-1)[mask] > 0.02).mean(), 0.5,
                                   f'{fn.__name__} seed {seed}: most masked pixels should actually be changed')

    def test_pair_dataset_is_a_function_of_seed_and_index(self):
        images = [(photo(i, 80, 96) * 255).astype(np.uint8) for i in range(3)]
        a = PairDataset(images, 32, seed=7)
        b = PairDataset(images, 32, seed=7)
        for i in (0, 5, 123):
            for ta, tb in zip(a[i], b[i]):
                self.assertTrue(torch.equal(ta, tb))
        x, y, m = a[0]
        self.assertEqual(tuple(x.shape), (3, 32, 32))
        self.assertEqual(tuple(y.shape), (3, 32, 32))
        self.assertEqual(tuple(m.shape), (1, 32, 32))
        self.assertGreaterEqual(float(x.min()), -1.0)
        self.assertLessEqual(float(x.max()), 1.0)

    def test_detector_grey_is_the_engines(self):
        """Values of sharp's toColourspace('b-w') for these sRGB colours (measured with the app's sharp)."""
        colours = torch.tensor([[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 150, 100], [30, 60, 90], [128, 128, 128]],
                               dtype=torch.float32)
        x = (colours.T[None, :, None, :] / 255) * 2 - 1  # [1, 3, 1, 6]
        got = (engine_grey(x)[0, 0, 0] + 1) / 2 * 255
        want = torch.tensor([127, 220, 76, 159, 58, 128], dtype=torch.float32)
        self.assertLessEqual((got - want).abs().max().item(), 1.0, f'{got.tolist()} vs libvips {want.tolist()}')
        self.assertGreater((x.mean(1)[0, 0] + 1).mul(127.5).sub(want).abs().max().item(), 50, 'a channel mean is far off')

    def test_latent_mask_dilates_then_pools_like_the_engine(self):
        m = torch.zeros(1, 1, 32, 32)
        m[0, 0, 13, 13] = 1  # cell (3, 3); dilated by 3 px it reaches rows/cols 10..16 → cells 2..4
        lat = latent_mask(m, dilate=3)
        self.assertEqual(tuple(lat.shape), (1, 1, 8, 8))
        cells = {(int(y), int(x)) for y, x in torch.nonzero(lat[0, 0])}
        self.assertEqual(cells, {(y, x) for y in (2, 3, 4) for x in (2, 3, 4)})
        self.assertEqual(latent_mask(m, dilate=0).sum().item(), 1)


if __name__ == '__main__':
    unittest.main()


class StrengthRangeTest(unittest.TestCase):
    def test_strength_min_draws_a_strength_per_image_and_stays_deterministic(self):
        cfg = DegradeConfig(strength=1.0, strength_min=0.2, p_structured=0.0)
        a = [degrade(photo(s), np.random.default_rng(s), cfg)[0] for s in range(6)]
        b = [degrade(photo(s), np.random.default_rng(s), cfg)[0] for s in range(6)]
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        # Milder on average than always-full strength: fewer ops drawn, closer to the clean photo.
        full = DegradeConfig(strength=1.0, p_structured=0.0)
        err_range = np.mean([np.abs(degrade(photo(s), np.random.default_rng(s), cfg)[0] - photo(s)).mean() for s in range(24)])
        err_full = np.mean([np.abs(degrade(photo(s), np.random.default_rng(s), full)[0] - photo(s)).mean() for s in range(24)])
        self.assertLess(err_range, err_full)


    def test_p_clean_leaves_some_images_clean_outside_their_defects(self):
        clean = photo(5)
        kept = 0
        for s in range(40):
            out, mask = degrade(clean, np.random.default_rng(s), DegradeConfig(p_clean=0.5, p_structured=0.0))
            kept += np.array_equal(out, np.clip(clean, 0, 1))
        self.assertTrue(8 <= kept <= 32, f'about half the images should be untouched ({kept} of 40)')
        every = [degrade(clean, np.random.default_rng(s), DegradeConfig(p_clean=1.0, p_structured=1.0)) for s in range(6)]
        for out, mask in every:
            self.assertGreater(mask.sum(), 0)
            outside = mask == 0
            # only a rescan pass (noise / JPEG over the whole print) may touch pixels outside the defects
            self.assertLess(np.abs(out - clean)[outside].mean(), 0.03)

    def test_p_clean_zero_draws_what_it_always_drew(self):
        # fingerprints of degrade() before p_clean existed (same photo, seeds 0-5): the evaluation's and
        # validation's seeded images must not change under a config that leaves p_clean at 0
        before = [(11439.5568, 1081), (11649.1611, 364), (11206.3898, 19), (13440.3073, 784), (12438.1317, 1038),
                  (9722.5061, 766)]
        clean = photo(6)
        for s, (total, masked) in enumerate(before):
            out, mask = degrade(clean, np.random.default_rng(s), DegradeConfig(p_structured=1.0))
            self.assertAlmostEqual(float(out.astype(np.float64).sum()), total, delta=0.01)
            self.assertEqual(int(mask.sum()), masked)

    def test_p_mute_zero_returns_the_clean_photo_and_draws_nothing(self):
        clean = photo(2)
        rng = np.random.default_rng(9)
        self.assertIs(target(clean, rng, DegradeConfig()), clean)
        self.assertEqual(rng.random(), np.random.default_rng(9).random())

    def test_muted_targets_are_quieter_valid_photos_and_reproduce(self):
        clean = photo(4, 64, 80)
        chroma = lambda im: float((im.max(-1) - im.min(-1)).mean())
        for s in range(5):
            out = target(clean, np.random.default_rng(s), DegradeConfig(p_mute=1.0))
            np.testing.assert_array_equal(out, target(clean, np.random.default_rng(s), DegradeConfig(p_mute=1.0)))
            self.assertEqual(out.shape, clean.shape)
            self.assertEqual(out.dtype, np.float32)
            self.assertGreaterEqual(float(out.min()), 0.0)
            self.assertLessEqual(float(out.max()), 1.0)
            self.assertLess(chroma(out), chroma(clean), f'seed {s}: a muted photo is less colourful')
            self.assertLess(float(out.std()), float(clean.std()) * 1.1, f'seed {s}: and no more contrasty')

    def test_pair_dataset_degrades_and_returns_the_muted_target(self):
        images = [(photo(i, 80, 96) * 255).astype(np.uint8) for i in range(3)]
        plain = PairDataset(images, 32, seed=7)
        muted = PairDataset(images, 32, seed=7, cfg=DegradeConfig(p_mute=1.0))
        chroma = lambda t: float((t.max(0).values - t.min(0).values).mean())
        quieter = sum(chroma(muted[i][1]) < chroma(plain[i][1]) for i in range(8))
        self.assertEqual(quieter, 8, 'every target of a p_mute 1 dataset is muted')


    def test_p_kinds_chooses_the_structured_defects_drawn(self):
        from unittest import mock
        import training.degrade.pipeline as P
        drawn = []
        fakes = {n: (lambda n: lambda img, mask, rng, view=None: drawn.append(n))(n)
                 for n in ('scratches', 'dust', 'blotches', 'tears')}
        with mock.patch.multiple(P.S, **fakes):
            for kinds, expected in (((0, 0, 1, 0), {'blotches'}), ((0, 0, 0, 0), {'scratches'}), ((0, 1, 0, 1), {'dust', 'tears'})):
                drawn.clear()
                for seed in range(5):
                    degrade(photo(seed), np.random.default_rng(seed), DegradeConfig(p_structured=1.0, p_kinds=kinds))
                self.assertEqual(set(drawn), expected, kinds)
                self.assertEqual(len(drawn), 5 * len(expected))


class WindowTest(unittest.TestCase):
    """Structured defects drawn at a virtual photo's scale onto a crop (`view`)."""

    def test_a_view_of_the_whole_image_changes_nothing(self):
        for fn in STRUCTURED:
            clean = photo(1)
            a, ma = clean.copy(), np.zeros(clean.shape[:2], bool)
            b, mb = clean.copy(), np.zeros(clean.shape[:2], bool)
            fn(a, ma, np.random.default_rng(5))
            fn(b, mb, np.random.default_rng(5), (clean.shape[0], clean.shape[1], 0, 0))
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(ma, mb)

    def test_the_window_is_the_crop_of_the_defect_drawn_on_the_whole_photo(self):
        # blotches take their texture from noise the size of the image, so only the others compare exactly
        for fn in (S.scratches, S.dust, S.tears):
            for seed in range(4):
                big = photo(seed, 200, 260)
                whole, mw = big.copy(), np.zeros(big.shape[:2], bool)
                fn(whole, mw, np.random.default_rng(seed))
                oy, ox = 37, 91
                crop = big[oy:oy + 64, ox:ox + 80].copy()
                mc = np.zeros(crop.shape[:2], bool)
                fn(crop, mc, np.random.default_rng(seed), (200, 260, oy, ox))
                # wide scratches are softened with a blur, which sees the crop's edge: tiny differences there
                self.assertLessEqual((mc != mw[oy:oy + 64, ox:ox + 80]).sum(), 5, f'{fn.__name__} seed {seed}')
                diff = np.abs(crop - whole[oy:oy + 64, ox:ox + 80])
                self.assertLess(diff.max(), 0.02)
                self.assertLessEqual((diff > 1e-5).sum(), 0.01 * diff.size)

    def test_canvas_draws_photo_sized_defects_and_stays_deterministic(self):
        def coverage(cfg, fn):
            out = []
            for s in range(300):
                img, m = photo(s, 64, 64), np.zeros((64, 64), bool)
                rng = np.random.default_rng(s)
                view = _window(64, 64, cfg, rng) if cfg else None
                fn(img, m, rng, view)
                out.append(m.mean())
            return np.array(out)
        # a blotch drawn at a crop's scale never covers a fifth of it; at a photo's scale it can
        self.assertLess(coverage(None, S.blotches).max(), 0.2)
        self.assertGreater((coverage(512, S.blotches) > 0.2).sum(), 0)
        cfg = DegradeConfig(p_structured=1.0, canvas_max=768)
        a = degrade(photo(3), np.random.default_rng(3), cfg)
        b = degrade(photo(3), np.random.default_rng(3), cfg)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        # without canvas_max the draws are those of before (evaluation and validation sets stay fixed)
        plain = degrade(photo(3), np.random.default_rng(3), DegradeConfig(p_structured=1.0))
        again = degrade(photo(3), np.random.default_rng(3), DegradeConfig(p_structured=1.0, canvas_max=None))
        np.testing.assert_array_equal(plain[0], again[0])
