"""Self-training's pseudo-labels (training/real_damage/pseudo.py): what is marked damage, intact and unknown; the
losses skip unknown pixels; labels load back only for the files they were made from; the detector's data mix."""
import json
import os
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

from training.data.datasets import WithRealMasks
from training.losses import tversky, weighted_bce_dice
from training.real_damage import pseudo as P
from training.real_damage.labels import sha256


def photo_with_line(h=96, w=128):
    """A grey photo with a smooth gradient and one bright 2-px line across it (a scratch), and the line's mask."""
    yy, xx = np.mgrid[0:h, 0:w]
    g = 0.35 + 0.2 * xx / w
    line = np.zeros((h, w), bool)
    line[40:42, 10:118] = True
    g[line] = 0.9
    rgb = (np.repeat(g[..., None], 3, -1) * 255).astype(np.uint8)
    return rgb, line


class LabelTest(unittest.TestCase):
    def test_confident_core_takes_its_whole_line(self):
        rgb, line = photo_with_line()
        prob = np.zeros(line.shape, np.float32)
        prob[40:42, 50:60] = 0.95  # the detector is sure of a stretch of the line only
        lab = P.label(rgb, prob)
        self.assertTrue((lab[line] == P.DAMAGE).mean() > 0.9, 'the candidate piece through the core is damage')
        self.assertEqual(lab[0:20].max(), P.INTACT, 'quiet photo far from the line stays intact')
        ring = lab[38:40, 20:100]  # beside the line: where labels disagree
        self.assertTrue((ring == P.UNKNOWN).all())

    def test_unvouched_candidate_is_unknown_not_intact(self):
        rgb, line = photo_with_line()
        lab = P.label(rgb, np.zeros(line.shape, np.float32))
        self.assertFalse((lab == P.DAMAGE).any())
        self.assertTrue((lab[line] == P.UNKNOWN).mean() > 0.9, 'a crack the detector missed must not be taught as intact')

    def test_middling_probability_is_unknown_and_weak_stretches_follow_a_sure_core(self):
        h, w = 64, 64
        rgb = np.full((h, w, 3), 128, np.uint8)
        prob = np.zeros((h, w), np.float32)
        prob[10:12, 5:60] = 0.5   # a faint line …
        prob[10:12, 30:34] = 0.95  # … with a sure stretch: the whole line is damage
        prob[40:50, 40:50] = 0.5   # a faint patch with none: unknown
        lab = P.label(rgb, prob)
        self.assertTrue((lab[10:12, 5:60] == P.DAMAGE).all())
        self.assertTrue((lab[40:50, 40:50] == P.UNKNOWN).all())
        self.assertEqual(lab[30:36, 0:30].max(), P.INTACT)

    def test_large_candidate_nets_are_not_taken_whole(self):
        rng = np.random.default_rng(3)
        g = (rng.random((96, 96)) > 0.5).astype(np.float32) * 0.6 + 0.2  # texture: its top-hat is one big net
        rgb = (np.repeat(g[..., None], 3, -1) * 255).astype(np.uint8)
        prob = np.zeros((96, 96), np.float32)
        prob[48, 48] = 0.95
        lab = P.label(rgb, prob)
        self.assertLess((lab == P.DAMAGE).mean(), 0.01)


class LossTest(unittest.TestCase):
    def test_unknown_pixels_carry_no_loss(self):
        torch.manual_seed(0)
        target = (torch.rand(2, 1, 16, 16) > 0.8).float()
        target[:, :, :4] = -1
        a = torch.randn(2, 1, 16, 16)
        b = a.clone()
        b[:, :, :4] += 5 * torch.randn(2, 1, 4, 16)  # only the unknown rows differ
        for loss in (lambda x: weighted_bce_dice(x, target, 3.0, 1.0), lambda x: tversky(x, target, 0.7)):
            self.assertAlmostEqual(loss(a).item(), loss(b).item(), places=5)
        c = a.clone()
        c[:, :, 8:] -= 3  # known rows do count
        self.assertNotAlmostEqual(weighted_bce_dice(a, target).item(), weighted_bce_dice(c, target).item(), places=3)

    def test_all_known_matches_the_plain_loss(self):
        torch.manual_seed(1)
        logits, target = torch.randn(2, 1, 8, 8), (torch.rand(2, 1, 8, 8) > 0.7).float()
        plain = torch.nn.functional.binary_cross_entropy_with_logits(logits, target, pos_weight=torch.tensor(3.0))
        p = torch.sigmoid(logits)
        dice = 1 - (2 * (p * target).sum((1, 2, 3)) + 1) / (p.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
        self.assertAlmostEqual(weighted_bce_dice(logits, target, 3.0, 1.0).item(), (plain + dice.mean()).item(), places=5)


class LoadTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root, self.out = os.path.join(self.tmp.name, 'old'), os.path.join(self.tmp.name, 'pseudo')
        os.makedirs(os.path.join(self.root, 'set'))
        os.makedirs(self.out)
        rgb, line = photo_with_line(200, 240)
        self.src = os.path.join(self.root, 'set', 'p.png')
        Image.fromarray(rgb).save(self.src)
        lab = np.full(line.shape, P.INTACT, np.uint8)
        lab[line] = P.DAMAGE
        lab[:10] = P.UNKNOWN
        Image.fromarray(lab).save(os.path.join(self.out, 'set__p.png'))
        self.record = {'max_side': 1024, 'photos': [{'source': 'set/p.png', 'sha256': sha256(self.src),
                                                      'label': 'set__p.png', 'size': [240, 200]}]}
        self.write()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self):
        with open(os.path.join(self.out, 'pseudo.json'), 'w') as f:
            json.dump(self.record, f)

    def test_labels_load_as_minus_one_zero_one(self):
        [(rgb, m)] = P.load_labels(self.out, self.root, 160)
        self.assertEqual(rgb.shape, (200, 240, 3))
        self.assertEqual(m.dtype, np.int8)
        self.assertEqual(set(np.unique(m)), {-1, 0, 1})
        self.assertTrue((m[:10] == -1).all())
        self.assertEqual(P.load_labels(self.out, self.root, 256), [], 'photos smaller than the crop are skipped')

    def test_a_changed_source_is_refused(self):
        Image.fromarray(np.zeros((200, 240, 3), np.uint8)).save(self.src)
        with self.assertRaisesRegex(ValueError, 'sha256'):
            P.load_labels(self.out, self.root, 160)

    def test_windows_keep_unknown_pixels(self):
        pairs = P.load_labels(self.out, self.root, 160)
        base = type('Base', (), {'crop': 160, '__len__': lambda s: 100, '__getitem__': lambda s, i: None})()
        ds = WithRealMasks(base, pairs, 1.0, seed=5)
        values = set()
        for i in range(20):
            x, y, m = ds[i]
            self.assertEqual(tuple(m.shape), (1, 160, 160))
            values |= set(torch.unique(m).tolist())
        self.assertEqual(values, {-1.0, 0.0, 1.0})

    def test_mixes_nest(self):
        pairs = P.load_labels(self.out, self.root, 160)
        base = type('Base', (), {'crop': 160, '__len__': lambda s: 100, '__getitem__': lambda s, i: 'synthetic'})()
        ds = WithRealMasks(WithRealMasks(base, pairs, 0.5, seed=1), pairs, 0.5, seed=8)
        kinds = {type(ds[i]).__name__ for i in range(40)}
        self.assertEqual(kinds, {'str', 'tuple'})


if __name__ == '__main__':
    unittest.main()
