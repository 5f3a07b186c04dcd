"""training.evaluate: metric helpers, the classical baseline, optional LPIPS,
and one end-to-end run on generated images through the app's CLI (skipped
without node)."""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

from training import evaluate as E
from training.export import main as export_main
from training.tests.helpers import TINY, synthetic_photo


class HelpersTest(unittest.TestCase):
    def test_mask_scores_pool_over_images(self):
        a = np.zeros((4, 4), bool)
        a[0, :2] = True
        b = np.zeros((4, 4), bool)
        b[0, 1:3] = True
        c = [E.mask_counts(a, b), E.mask_counts(np.zeros((4, 4), bool), np.zeros((4, 4), bool))]
        s = E.mask_scores(c)
        self.assertAlmostEqual(s['iou'], 1 / 3, places=4)
        self.assertAlmostEqual(s['precision'], 0.5)
        self.assertAlmostEqual(s['recall'], 0.5)
        self.assertAlmostEqual(s['meanIou'], 1 / 3, places=4)  # the empty/empty image has no IoU and is left out

    def test_recall_is_split_by_the_size_of_each_defect(self):
        true = np.zeros((100, 100), bool)
        true[2, 2:12] = True                 # a 10 px scratch
        true[40:80, 40:80] = True            # a 1600 px blotch
        pred = np.zeros_like(true)
        pred[2, 2:12] = True                 # the scratch found
        pred[40:50, 40:80] = True            # a quarter of the blotch found
        s = E.mask_scores([E.mask_counts(pred, true)])['recallBySize']
        self.assertEqual(s['under50'], {'pixels': 10, 'recall': 1.0})
        self.assertEqual(s['under5000'], {'pixels': 1600, 'recall': 0.25})
        self.assertNotIn('atLeast5000', s)

    def test_image_seed_depends_on_set_and_name_only(self):
        self.assertEqual(E.image_seed('Kodak24', 'kodim01.png'), E.image_seed('Kodak24', 'kodim01.png'))
        self.assertNotEqual(E.image_seed('Kodak24', 'kodim01.png'), E.image_seed('McMaster', 'kodim01.png'))

    def test_classical_baseline_removes_a_bright_scratch(self):
        clean = synthetic_photo(np.random.default_rng(0), 64, 80).astype(np.float64)
        damaged = clean.copy()
        damaged[30:32, 5:75] = 1.0
        out, mask = E.classical_restore(damaged)
        self.assertEqual(out.shape, clean.shape)
        self.assertTrue(mask[30:32, 10:70].mean() > 0.9)
        self.assertGreater(E.psnr(clean, out), E.psnr(clean, damaged))

    def test_to_float_makes_grey_rgb(self):
        self.assertEqual(E.to_float(np.zeros((5, 6), np.uint8)).shape, (5, 6, 3))
        self.assertEqual(E.to_float(np.full((5, 6, 3), 255, np.uint8)).max(), 1.0)

    def test_lpips_with_supplied_weights(self):
        try:
            from torchvision.models import alexnet
        except ImportError:
            self.skipTest('torchvision is not installed')
        with tempfile.TemporaryDirectory() as tmp:
            torch.manual_seed(0)
            torch.save(alexnet().state_dict(), os.path.join(tmp, 'alex-backbone.pth'))
            torch.save({f'lin{i}.model.1.weight': torch.rand(1, c, 1, 1) for i, c in enumerate([64, 192, 384, 256, 256])},
                       os.path.join(tmp, 'alex.pth'))
            lp = E.Lpips(os.path.join(tmp, 'alex.pth'), os.path.join(tmp, 'alex-backbone.pth'))
        a = synthetic_photo(np.random.default_rng(1), 64, 64).astype(np.float64)
        b = np.clip(a + np.random.default_rng(2).normal(0, 0.1, a.shape), 0, 1)
        self.assertEqual(lp(a, a), 0.0)
        self.assertGreater(lp(a, b), 0.0)


@unittest.skipUnless(shutil.which('node') and os.path.isdir(os.path.join(E.ROOT, 'node_modules', 'onnxruntime-node')),
                     'node with the app\'s node_modules is needed to drive the CLI')
class EndToEndTest(unittest.TestCase):
    def test_evaluate_through_the_cli(self):
        with tempfile.TemporaryDirectory(prefix='heirloom-evaluate-') as tmp:
            rng = np.random.default_rng(0)
            for folder, n in (('benchmarks/SetA', 2), ('benchmarks/SetB', 1), ('old-photos/box', 2)):
                os.makedirs(os.path.join(tmp, 'data', folder))
                for i in range(n):
                    img = synthetic_photo(rng, 72 + 8 * i, 96)
                    Image.fromarray((img * 255).astype(np.uint8)).save(os.path.join(tmp, 'data', folder, f'{i}.png'))
            models = os.path.join(tmp, 'models')
            with contextlib.redirect_stdout(io.StringIO()):
                export_main(['--random-init', '--config', TINY, '--out', models])
            out, sheet = os.path.join(tmp, 'eval.json'), os.path.join(tmp, 'sheet.png')
            with contextlib.redirect_stdout(io.StringIO()) as printed:
                code = E.main(['--models', models, '--data-root', os.path.join(tmp, 'data'), '--sets', 'SetA,SetB',
                               '--out', out, '--sheet', sheet, '--old-photos', '2', '--threads', '1'])
            self.assertEqual(code, 0)
            self.assertIn('overall', printed.getvalue())
            with open(out) as f:
                result = json.load(f)
            self.assertEqual(result['overall']['images'], 3)
            self.assertEqual(sorted(result['sets']), ['SetA', 'SetB'])
            self.assertEqual(result['failed'], [])
            for key in ('input', 'baseline', 'ours'):
                self.assertGreater(result['overall'][key]['psnr'], 5)
                self.assertTrue(0 < result['overall'][key]['ssim'] <= 1)
            self.assertGreater(result['overall']['mask']['trueCoverage'], 0)
            self.assertTrue(result['lpips'].startswith('skipped'))
            self.assertEqual(len(result['oldPhotos']), 2)
            with Image.open(sheet) as im:
                self.assertEqual(im.mode, 'RGB')
            with open(os.path.join(models, 'manifest.json')) as f:
                metrics = json.load(f)['metrics']
            self.assertEqual(metrics['images'], 3)
            self.assertEqual(metrics['ours'], result['overall']['ours'])

            def other_damage(flag, printed_name, module):
                """Runs the evaluation under another damage model: its JSON, which never replaces the metrics."""
                out = os.path.join(tmp, f'eval-{flag}.json')
                with contextlib.redirect_stdout(io.StringIO()) as printed:
                    code = E.main(['--models', models, '--data-root', os.path.join(tmp, 'data'), '--sets', 'SetA,SetB', f'--{flag}',
                                   '--out', out, '--sheet', sheet, '--old-photos', '0', '--threads', '1'])
                self.assertEqual(code, 0)
                self.assertIn(printed_name, printed.getvalue())
                with open(out) as f:
                    other = json.load(f)
                self.assertEqual(other['degradation']['module'], module)
                self.assertEqual(other['overall']['images'], 3)
                self.assertNotEqual(other['overall']['input'], result['overall']['input'], 'the same photos, damaged otherwise')
                with open(os.path.join(models, 'manifest.json')) as f:
                    self.assertEqual(json.load(f)['metrics'], metrics, f'a --{flag} run reports; it never replaces the metrics')
                return other

            foreign = other_damage('foreign', 'foreign degradation', 'training.foreign')
            released = other_damage('released', "the released code's degradation", 'training.degrade.released')
            self.assertNotEqual(released['overall']['input'], foreign['overall']['input'])
            self.assertGreater(released['overall']['mask']['trueCoverage'], 0, 'painted scratches come with their mask')

if __name__ == '__main__':
    unittest.main()
