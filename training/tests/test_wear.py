"""The wear defects (`degrade.wear`) and METHOD.md's wider ranges (`DegradeConfig.wide`): reproducible, masked
where they change the photo, drawn at a photo's scale onto a crop, and absent unless asked for."""
import unittest
from unittest import mock

import numpy as np

from training.degrade import DegradeConfig, degrade
from training.degrade import pipeline as P
from training.degrade import unstructured as U
from training.degrade import wear as W
from training.tests.defect_checks import DefectKindChecks, draw, photo


class WearTest(DefectKindChecks, unittest.TestCase):
    KINDS = W.KINDS

    def test_a_view_of_the_whole_image_changes_nothing(self):
        for fn in W.KINDS:
            a, ma = draw(fn, photo(2), 9)
            b, mb = draw(fn, photo(2), 9, (96, 128, 0, 0))
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(ma, mb)

    def test_a_window_is_the_crop_of_the_defect_drawn_on_the_whole_photo(self):
        # spots are softened with a blur, which sees the crop's edge: small differences there
        self.assert_window_is_the_crop(W.KINDS, mask_pixels=12, image_share=0.01)

    def test_scratch_textures_vary_in_strength_along_their_length(self):
        faint = 0
        for seed in range(10):
            clean = np.full((128, 128, 3), 0.5, np.float32)
            img, mask = draw(W.scratch_field, clean, seed)
            change = np.abs(img - clean).max(-1)
            drawn = change[change > 0.005]
            faint += drawn.size > 0 and drawn.min() < 0.5 * drawn.max()
        self.assertGreaterEqual(faint, 8, 'a texture blends in at many strengths, not one opaque value')


class PipelineWearTest(unittest.TestCase):
    def test_p_kinds_past_the_fourth_draw_the_wear_kinds(self):
        drawn = []
        fakes = {fn.__name__: (lambda n: lambda img, mask, rng, view=None: drawn.append(n))(fn.__name__) for fn in W.KINDS}
        with mock.patch.object(W, 'KINDS', [fakes[fn.__name__] for fn in W.KINDS]):
            degrade(photo(0), np.random.default_rng(0), DegradeConfig(p_structured=1.0, p_kinds=(0, 0, 0, 0, 0, 1, 0, 1)))
        self.assertEqual(drawn, ['cracks', 'spots'])

    def test_more_p_kinds_than_kinds_is_a_clear_error(self):
        with self.assertRaisesRegex(ValueError, r'degrade.p_kinds takes 1 to 13 probabilities .* not 14'):
            degrade(photo(0), np.random.default_rng(0), DegradeConfig(p_structured=1.0, p_kinds=(1,) * 14))

    def test_wide_adds_colour_jitter_and_reaches_heavier_noise(self):
        ops = []
        real = P._apply
        with mock.patch.object(P, '_apply', lambda name, img, rng, wide=False: ops.append((name, wide)) or real(name, img, rng, wide)):
            for seed in range(40):
                degrade(photo(seed, 48, 48), np.random.default_rng(seed), DegradeConfig(wide=True))
            wide_ops = list(ops)
            ops.clear()
            for seed in range(40):
                degrade(photo(seed, 48, 48), np.random.default_rng(seed), DegradeConfig())
        self.assertIn(('jitter', True), wide_ops)
        self.assertNotIn('jitter', [n for n, _ in ops])
        self.assertTrue(all(w for _, w in wide_ops) and not any(w for _, w in ops))
        flat = np.full((64, 64, 3), 0.5, np.float32)
        spread = [np.std(U.gaussian_noise(flat, np.random.default_rng(s), 50) - flat) for s in range(60)]
        self.assertGreater(max(spread), 30 / 255, 'wide noise reaches past the narrow range\'s 28/255')

    def test_the_hue_turn_is_a_rotation_about_the_grey_axis(self):
        grey = np.ones(3, np.float32)
        for angle in (-0.3, 0.1, 0.25):
            m = U.hue_turn(angle).astype(np.float64)
            np.testing.assert_allclose(m @ grey, grey, atol=1e-6)
            np.testing.assert_allclose(m @ m.T, np.eye(3), atol=1e-6)
            red = np.array([1.0, -0.5, -0.5])
            self.assertAlmostEqual(float(np.dot(m @ red, red) / np.dot(red, red)), np.cos(angle), places=5)
        np.testing.assert_allclose(U.hue_turn(0.0), np.eye(3), atol=1e-7)

    def test_jitter_reproduces_and_changes_the_photo(self):
        colour = photo(3)
        a = U.jitter(colour, np.random.default_rng(1))
        b = U.jitter(colour, np.random.default_rng(1))
        np.testing.assert_array_equal(a, b)
        self.assertEqual(a.shape, colour.shape)
        self.assertGreater(np.abs(a - colour).mean(), 0.005)

if __name__ == '__main__':
    unittest.main()
