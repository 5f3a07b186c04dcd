"""Checks every family of drawn defects must pass (`degrade.wear`, `degrade.prints`): each kind reproduces from its
seed, every strong change it makes is inside its mask and its mask marks pixels it changed, and a window drawn with
the photo's view is the crop of the defect drawn on the whole photo. A test class lists its kinds in KINDS and
mixes this in before unittest.TestCase."""
import numpy as np

from training.degrade import wear as W
from training.tests.helpers import synthetic_photo


def photo(seed=0, h=96, w=128):
    return synthetic_photo(np.random.default_rng(seed), h, w)


def draw(fn, img, seed, view=None):
    img = img.copy()
    mask = np.zeros(img.shape[:2], bool)
    fn(img, mask, np.random.default_rng(seed), view)
    return img, mask


class DefectKindChecks:
    KINDS = ()
    MASK_SEEDS = 8  # photos per kind in the mask check; at least 6 of them must get a defect

    def test_each_kind_reproduces_from_its_seed(self):
        for fn in self.KINDS:
            a, ma = draw(fn, photo(1), 4)
            b, mb = draw(fn, photo(1), 4)
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(ma, mb)

    def test_every_strong_change_is_masked_and_the_mask_marks_changed_pixels(self):
        for fn in self.KINDS:
            marked = 0
            for seed in range(self.MASK_SEEDS):
                clean = photo(seed)
                img, mask = draw(fn, clean, seed)
                change = np.abs(img - clean).max(-1)
                self.assertTrue(np.isfinite(img).all() and img.min() >= 0 and img.max() <= 1, fn.__name__)
                # a blend weight above the mask's floor moves a pixel by more than that share of its distance to
                # the defect's colour, which is at most 1: so no change above the floor lies outside the mask
                self.assertFalse((change > W.MASK_FLOOR + 1e-4)[~mask].any(), f'{fn.__name__} seed {seed}')
                if mask.any():
                    marked += 1
                    self.assertGreater((change[mask] > 0.01).mean(), 0.5, f'{fn.__name__} seed {seed}')
            self.assertGreaterEqual(marked, 6, f'{fn.__name__} should draw something on most photos')

    def assert_window_is_the_crop(self, kinds, mask_pixels, image_share=None):
        """Each of `kinds` drawn into an 80×96 window of a 240×300 photo, with the photo's view, matches the defect
        drawn on the whole photo and cropped: masks differing in at most `mask_pixels` pixels and, with
        `image_share`, at most that share of pixels differing by more than 0.02."""
        oy, ox = 41, 67
        for fn in kinds:
            for seed in range(5):
                big = photo(seed, 240, 300)
                whole, mw = draw(fn, big, seed)
                crop, mc = draw(fn, big[oy:oy + 80, ox:ox + 96], seed, (240, 300, oy, ox))
                self.assertLessEqual((mc != mw[oy:oy + 80, ox:ox + 96]).sum(), mask_pixels, f'{fn.__name__} seed {seed}')
                if image_share is not None:
                    diff = np.abs(crop - whole[oy:oy + 80, ox:ox + 96])
                    self.assertLessEqual((diff > 0.02).sum(), image_share * diff.size, f'{fn.__name__} seed {seed}')
