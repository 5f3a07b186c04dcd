"""training.foreign, the independent degradation model for checks: valid images, masks over what it draws,
reproducible per seed, every fault kind reachable, and nothing in training imports it."""
import ast
import os
import unittest

import numpy as np

from training import foreign as F
from training.tests.helpers import ROOT, synthetic_photo


def photo(seed, h=72, w=88):
    return synthetic_photo(np.random.default_rng(seed), h, w)


class ForeignTest(unittest.TestCase):
    def test_shapes_ranges_and_the_clean_photo_untouched(self):
        for seed in range(8):
            clean = photo(seed)
            before = clean.copy()
            bad, mask = F.foreign_degrade(clean, np.random.default_rng(seed))
            np.testing.assert_array_equal(clean, before)
            self.assertEqual((bad.shape, bad.dtype, mask.shape, mask.dtype), (clean.shape, np.float32, clean.shape[:2], np.uint8))
            self.assertTrue(0 <= bad.min() and bad.max() <= 1 and set(np.unique(mask)) <= {0, 1})
            self.assertGreater(np.abs(bad - clean).mean(), 0.002, f'seed {seed}: every photo is damaged somehow')

    def test_same_seed_same_damage_other_seed_other_damage(self):
        a = F.foreign_degrade(photo(1), np.random.default_rng([5, 202]))
        b = F.foreign_degrade(photo(1), np.random.default_rng([5, 202]))
        c = F.foreign_degrade(photo(1), np.random.default_rng([6, 202]))
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        self.assertGreater(np.abs(a[0] - c[0]).mean(), 1e-3)

    def test_each_fault_changes_the_photo(self):
        for name, op in F.OPS.items():
            clean = photo(2).astype(np.float64)
            out = np.clip(op(clean.copy(), np.random.default_rng(3)), 0, 1)
            self.assertEqual(out.shape, clean.shape, name)
            self.assertGreater(np.abs(out - clean).mean(), 1e-3, name)

    def test_structured_damage_lies_inside_its_mask(self):
        drawn = 0
        for seed in range(12):
            clean = photo(seed, 96, 120).astype(np.float64)
            img, mask = clean.copy(), np.zeros(clean.shape[:2], bool)
            F.structured(img, mask, np.random.default_rng(seed))
            changed = np.abs(img - clean).max(-1) > 0.3
            self.assertLessEqual((changed & ~mask).sum(), 0.002 * mask.size, f'seed {seed}')
            drawn += mask.any()
        self.assertGreater(drawn, 8, 'most draws mark something')

    def test_nothing_that_trains_imports_it(self):
        """A check is only independent while no stage, dataset or degradation ever sees it."""
        users = []
        for folder, _dirs, files in os.walk(os.path.join(ROOT, 'training')):
            for f in files:
                if not f.endswith('.py') or 'tests' in folder:
                    continue
                path = os.path.join(folder, f)
                tree = ast.parse(open(path).read())
                for node in ast.walk(tree):
                    names = [node.module or ''] if isinstance(node, ast.ImportFrom) else \
                        [a.name for a in node.names] if isinstance(node, ast.Import) else []
                    if any(n.split('.')[-1] == 'foreign' for n in names):
                        users.append(os.path.relpath(path, ROOT))
        self.assertEqual(users, ['training/benchmark.py'], 'checks only (evaluation and validation damage their photos '
                         'through benchmark.benchmark_damage)')


if __name__ == '__main__':
    unittest.main()
