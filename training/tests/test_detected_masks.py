"""The detector as the engine runs it, in training and validation: mirror views averaged
(`export.mirrors`), and the joint stage's share of detected masks (`train.detected_masks`)."""
import contextlib
import io
import json
import os
import re
import shutil
import tempfile
import unittest

import numpy as np
import torch

from training.config import load_config
from training.data import engine_grey
from training.detect_pyramid import detector_probabilities
from training.stages import build_models
from training.stages.steps import detected_mask
from training.tests.helpers import (TINY, BenchmarkSetCase, constant_detector, save_chain, tiny_chain, validate_text,
                                    write_dataset)
from training.train import main as train_main
from training.validate import engine_mask


def random_detector(seed=0):
    torch.manual_seed(seed)
    cfg = load_config(TINY)
    det = build_models(cfg)['detector'].eval()
    with torch.no_grad():  # a random detector's output is near 0.5 everywhere: spread it so thresholds bite
        det.out.weight.mul_(20)
    return det, cfg


def median_threshold(det, cfg, x):
    """cfg with export.threshold at the median of the detector's output on x: about half of it is marked."""
    with torch.no_grad():
        cfg['export']['threshold'] = torch.sigmoid(det.logits(engine_grey(x))).median().item()
    return cfg


class MirrorsTest(unittest.TestCase):
    def test_views_are_averaged_after_flipping_back(self):
        det, _ = random_detector()
        g = np.random.default_rng(1).uniform(-1, 1, (37, 45)).astype(np.float32)
        with torch.no_grad():
            one = detector_probabilities(det, 1)
            two, four = detector_probabilities(det, 2)(g), detector_probabilities(det, 4)(g)
            lr, ud, both = one(g[:, ::-1])[:, ::-1], one(g[::-1])[::-1], one(g[::-1, ::-1])[::-1, ::-1]
            base = one(g)
        self.assertEqual(two.shape, g.shape)
        np.testing.assert_allclose(two, (base + lr) / 2, atol=1e-6)
        np.testing.assert_allclose(four, (base + lr + ud + both) / 4, atol=1e-6)
        self.assertGreater(np.abs(two - base).max(), 1e-3, 'a random detector is not mirror-symmetric: the views differ')
        with self.assertRaisesRegex(SystemExit, 'mirrors must be 1, 2 or 4'):
            detector_probabilities(det, 3)


class DetectedMaskTest(unittest.TestCase):
    def setUp(self):
        self.det, self.cfg = random_detector()
        self.nets = {'detector': self.det}
        torch.manual_seed(3)
        self.x = torch.rand(16, 3, 32, 32) * 2 - 1
        self.m = (torch.rand(16, 1, 32, 32) > 0.9).float()
        median_threshold(self.det, self.cfg, self.x)
        with torch.no_grad():
            prob = torch.sigmoid(self.det.logits(engine_grey(self.x)))
        self.found = (prob >= self.cfg['export']['threshold']).float()

    def test_share_zero_keeps_the_true_mask(self):
        self.cfg['train']['detected_masks'] = 0.0
        self.assertIs(detected_mask(self.nets, self.x, self.m, self.cfg), self.m)

    def test_share_one_is_the_detector_thresholded_at_the_export_threshold(self):
        self.cfg['train']['detected_masks'] = 1.0
        out = detected_mask(self.nets, self.x, self.m, self.cfg)
        self.assertTrue(torch.equal(out, self.found))
        self.assertGreater(self.found.mean().item(), 0.05)
        self.assertLess(self.found.mean().item(), 0.95)

    def test_a_share_mixes_whole_images(self):
        self.cfg['train']['detected_masks'] = 0.5
        torch.manual_seed(5)
        out = detected_mask(self.nets, self.x, self.m, self.cfg)
        detected = [torch.equal(out[i], self.found[i]) for i in range(16)]
        true = [torch.equal(out[i], self.m[i]) for i in range(16)]
        self.assertTrue(all(a or b for a, b in zip(detected, true)), 'each image gets one mask or the other, whole')
        self.assertTrue(any(detected) and any(true))
        self.assertFalse(out.requires_grad)


class TrainGuardTest(unittest.TestCase):
    def test_detected_masks_need_a_trained_detector(self):
        tmp = tempfile.mkdtemp(prefix='heirloom-detmask-')
        self.addCleanup(shutil.rmtree, tmp, True)
        write_dataset(tmp, n_clean=2, n_old=1)
        cfg_path = os.path.join(tmp, 'cfg.json')
        cfg = load_config(TINY)
        cfg['train']['detected_masks'] = 0.5
        with open(cfg_path, 'w') as f:
            json.dump(cfg, f)
        with contextlib.redirect_stdout(io.StringIO()), self.assertRaisesRegex(SystemExit, 'needs a trained detector'):
            train_main(['--config', cfg_path, '--stage', 'joint', '--data-root', tmp, '--run-dir', os.path.join(tmp, 'run')])


class ValidateDetectedTest(BenchmarkSetCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cfg, nets = tiny_chain()
        torch.nn.init.normal_(nets['G_B'].decoder[-1].weight, std=0.05)
        with torch.no_grad():  # off its identity initialisation, so the mask changes what the mapping does
            for p in nets['T'].parameters():
                p.add_(0.05 * torch.randn_like(p))
        cls.chain = save_chain(os.path.join(cls.tmp, 'chain.pt'), nets, cfg)
        cls.dets = {}
        for name, bias in (('all', 20.0), ('none', -20.0)):
            det = constant_detector(cfg, bias)
            cls.dets[name] = os.path.join(cls.tmp, f'det-{name}.pt')
            torch.save({'nets': {'detector': det.state_dict()}, 'config': cfg}, cls.dets[name])

    def validate(self, *extra):
        text = validate_text([self.chain], self.tmp, *extra)
        return text, float(re.search(re.escape(self.chain) + r': ([\d.]+) dB', text).group(1))

    def test_the_engine_mask_replaces_the_true_one(self):
        true_text, true_db = self.validate()
        self.assertIn('true masks', true_text)
        all_text, all_db = self.validate('--detector', self.dets['all'])
        none_text, none_db = self.validate('--detector', self.dets['none'])
        self.assertIn('masks detected by ' + self.dets['all'], all_text)
        self.assertEqual(len({true_db, all_db, none_db}), 3, 'marking everything, nothing or the defects restores differently')
        iou, precision, recall = map(float, re.search(r'IoU ([\d.]+), precision ([\d.]+), recall ([\d.]+)', all_text).groups())
        self.assertEqual(recall, 1.0, 'a mask of every pixel finds every defect')
        self.assertGreater(precision, 0.0)
        self.assertLess(precision, 0.5, 'defects are a small share of a photo')
        self.assertEqual(iou, precision, 'with every pixel marked, the union is the photo and the overlap the defects')
        self.assertIn('IoU 0.000, precision 0.000, recall 0.000', none_text)
        self.assertNotIn('IoU', true_text)

    def test_engine_mask_drops_a_mask_under_the_auto_coverage(self):
        from training.validate import load_detector
        det = load_detector(self.dets['all'])
        bad = np.random.default_rng(0).uniform(0, 1, (40, 48, 3)).astype(np.float32)
        self.assertEqual(engine_mask(det, bad).mean(), 1.0)
        self.assertEqual(engine_mask(load_detector(self.dets['none']), bad).sum(), 0)


if __name__ == '__main__':
    unittest.main()
