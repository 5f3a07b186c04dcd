"""The photo-tone net and what feeds it, and the detector's context levels:
both start as the networks they grow from, so fine-tuning starts where the shipped set is."""
import unittest

import numpy as np
import torch

from training.config import load_config
from training.data import PhotoDataset
from training.degrade import DegradeConfig
from training.nets import ScratchUNet, ToneNet, apply_tone, thumbnail
from training.stages import build_models
from training.stages.steps import tone as tone_step
from training.tests.helpers import TINY
from training.train import load_grown


class ToneTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)

    def test_a_new_tone_net_is_the_identity(self):
        img = torch.rand(2, 3, 40, 56) * 2 - 1
        out = apply_tone(img, ToneNet()(thumbnail(img)))
        self.assertLess((out - img).abs().max().item(), 1e-6)

    def test_correction_is_matrix_offset_and_midtone_bend(self):
        img = torch.rand(1, 3, 9, 7) * 2 - 1
        p = torch.randn(1, 15) * 0.1
        y = ((img + 1) / 2)[0].permute(1, 2, 0).numpy().astype(np.float64)
        m = p[0, :9].reshape(3, 3).numpy() + np.eye(3)
        want = y @ m.T + p[0, 9:12].numpy() + p[0, 12:15].numpy() * y * (1 - y)
        got = ((apply_tone(img, p) + 1) / 2)[0].permute(1, 2, 0).numpy()
        np.testing.assert_allclose(got, np.clip(want, 0, 1), atol=1e-5)

    def test_thumbnail_is_64_square_adaptive_mean(self):
        img = torch.rand(1, 3, 128, 192)
        t = thumbnail(img)
        self.assertEqual(tuple(t.shape), (1, 3, 64, 64))
        np.testing.assert_allclose(t[0, :, 0, 0].numpy(), img[0, :, :2, :3].mean((1, 2)).numpy(), rtol=1e-5)

    def test_tone_step_learns_from_bank_samples(self):
        cfg = load_config(TINY)
        nets = build_models(cfg)
        batch = {'thumb': torch.rand(2, 3, 64, 64) * 2 - 1, 'out': torch.rand(2, 3, 16, 16) * 2 - 1,
                 'clean': torch.rand(2, 3, 16, 16) * 2 - 1}
        loss, critic, logs = tone_step(nets, batch, cfg)
        loss.backward()
        self.assertIsNone(critic)
        self.assertAlmostEqual(logs['db_before'], logs['db_after'], places=4)  # identity at the start
        self.assertIsNotNone(nets['tone'].head[-1].weight.grad)

    def test_photo_dataset_is_deterministic_and_square(self):
        rng = np.random.default_rng(3)
        images = [rng.integers(0, 255, (90, 140, 3), dtype=np.uint8), rng.integers(0, 255, (120, 80, 3), dtype=np.uint8)]
        ds = PhotoDataset(images, 48, seed=5, cfg=DegradeConfig(canvas_max=200))
        a, b = ds[7], ds[7]
        for u, v in zip(a, b):
            self.assertTrue(torch.equal(u, v))
        self.assertEqual(tuple(a[0].shape), (3, 48, 48))
        self.assertEqual(tuple(a[2].shape), (1, 48, 48))
        self.assertFalse(torch.equal(ds[8][1], a[1]))
        # with permute, some photos come with their channels shuffled, the clean target alike; without it the
        # random draws are those of before (existing banks stay valid)
        shuffled = PhotoDataset(images, 48, seed=5, cfg=DegradeConfig(canvas_max=200), permute=1.0)
        plain = PhotoDataset(images, 48, seed=5, cfg=DegradeConfig(canvas_max=200), permute=0.0)
        self.assertTrue(torch.equal(plain[7][1], a[1]))
        cleans = [shuffled[i][1] for i in range(6)]
        self.assertTrue(any(not torch.equal(c, plain[i][1]) for i, c in enumerate(cleans)))
        for i, c in enumerate(cleans):  # the same pixels, channels in some order
            ref = plain[i][1]
            self.assertTrue(any(torch.equal(c, ref[list(p)]) for p in
                                ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))))


class DetectorContextTest(unittest.TestCase):
    def test_grown_detector_starts_as_the_one_it_grew_from(self):
        torch.manual_seed(1)
        small = ScratchUNet(4, 2)
        grown = ScratchUNet(4, 2, context=2)
        self.assertEqual((small.stride, grown.stride), (4, 16))
        names = load_grown(grown, small.state_dict())
        self.assertEqual(names, ['ctx'])
        x = torch.rand(1, 1, 48, 64) * 2 - 1
        with torch.no_grad():
            self.assertTrue(torch.equal(small.logits(x), grown.logits(x)))
        torch.nn.init.normal_(grown.ctx[-1].weight)  # once trained, the context levels change the output
        with torch.no_grad():
            self.assertFalse(torch.equal(small.logits(x), grown.logits(x)))


if __name__ == '__main__':
    unittest.main()
