"""training.calibrate_detector on generated photos: IoU pooled over the photos' whole-image defects."""
import contextlib
import io
import json
import os
import unittest

import numpy as np
import torch

from training.benchmark import DEGRADE, image_seed
from training.calibrate_detector import THRESHOLDS, iou_grid, main as calibrate_main
from training.config import load_config
from training.data.images import list_images
from training.degrade import DegradeConfig, degrade
from training.detect_pyramid import combine, levels
from training.metrics import load
from training.tests.helpers import TINY, BenchmarkSetCase, constant_detector


class CalibrateTest(BenchmarkSetCase):
    SET_SIZE = (72, 64)

    def calibrate(self, bias, context=0):
        cfg = load_config(TINY)
        cfg['model']['detect']['context'] = context
        config = os.path.join(self.tmp, f'tiny-context{context}.json')
        with open(config, 'w') as f:
            json.dump(cfg, f)
        det = constant_detector(cfg, bias)
        path = os.path.join(self.tmp, f'det{bias}.pt')
        torch.save({'detector': det.state_dict()}, path)
        with contextlib.redirect_stdout(io.StringIO()):
            return calibrate_main(['--weights', path, '--config', config, '--data-root', self.tmp, '--sets', 'SetG'])

    def test_iou_is_pooled_over_whole_degraded_photos(self):
        true = total = 0
        for path in list_images(os.path.join(self.tmp, 'benchmarks', 'SetG')):
            clean = np.asarray(load(path, 'RGB'), np.float32) / 255
            clean = clean[:clean.shape[0] // 8 * 8, :clean.shape[1] // 8 * 8]  # validate's crop, whatever the stride
            _, mask = degrade(clean, np.random.default_rng(image_seed('SetG', os.path.basename(path))), DegradeConfig(**DEGRADE))
            true, total = true + int(mask.sum()), total + mask.size
        self.assertGreater(true, 0)
        everything = self.calibrate(20.0)  # a detector that marks every pixel: IoU = the defects' share
        self.assertEqual(everything['images'], 3)
        for t in THRESHOLDS:
            self.assertAlmostEqual(everything['iou'][str(t)], round(true / total, 4), places=4)
        nothing = self.calibrate(-20.0)
        self.assertEqual(set(nothing['iou'].values()), {0.0})
        # a detector with context levels needs sides of a multiple of 16 here: the photos are mirrored up to it
        # and its output cropped back, so it is scored on the very same photos and masks
        deep = self.calibrate(20.0, context=2)
        for t in THRESHOLDS:
            self.assertAlmostEqual(deep['iou'][str(t)], round(true / total, 4), places=4)


class IouGridTest(unittest.TestCase):
    def test_every_cell_is_the_pooled_iou_of_the_mask_combine_makes(self):
        rng = np.random.default_rng(4)
        photos = []
        for h, w in ((64, 80), (96, 70), (40, 40)):
            n = 1 + levels(h, w, 16)
            probs = [rng.random((h, w)).astype(np.float32) ** 2 for _ in range(n)]
            photos.append((probs, rng.random((h, w)) < 0.2))
        thresholds = [0.3, 0.6]
        pyramids = [{'minSide': 16, 'threshold': 0.7, 'minArea': 0}, {'minSide': 32, 'threshold': 0.5, 'minArea': 20}]
        single, joint = iou_grid(photos, thresholds, pyramids)
        self.assertEqual(joint.shape, (2, 2))

        def pooled(threshold, pyramid):
            masks = [(combine(p, threshold, pyramid), t) for p, t in photos]
            return sum((m & t).sum() for m, t in masks) / sum((m | t).sum() for m, t in masks)
        for i, t in enumerate(thresholds):
            self.assertAlmostEqual(single[i], pooled(t, None), places=12)
            for j, p in enumerate(pyramids):
                self.assertAlmostEqual(joint[i, j], pooled(t, p), places=12)
        self.assertNotAlmostEqual(joint[0, 0], joint[1, 1], places=3)


if __name__ == '__main__':
    unittest.main()
