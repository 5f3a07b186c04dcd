"""The union of the general and the thin-damage detector (`nets.detector.UnionDetector`,
`training.union_detector`): it marks exactly where either detector passes its own threshold, joining keeps each
detector's weights, wrong shapes are refused by name, and the union exports as the one detect stage and is
recovered from its ONNX file."""
import contextlib
import io
import json
import os
import tempfile
import unittest

import numpy as np
import torch

from training.config import check_config, load_config
from training.export import main as export_main
from training.from_onnx import recover
from training.nets.detector import ScratchUNet, UnionDetector
from training.stages.models import build_detector, build_models, detect_multiple
from training.tests.helpers import TINY
from training.union_detector import join, split_thin

THIN = {'width': 4, 'depth': 2, 'tophat': True}


def tiny_union(thresholds=(0.6, 0.9)):
    cfg = load_config(TINY)
    cfg['model']['detect'] = {**cfg['model']['detect'], 'thresholds': list(thresholds), 'thin': dict(THIN), 'thin_width': 5}
    return cfg


class UnionDetectorTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(3)
        self.tmp = tempfile.TemporaryDirectory(prefix='heirloom-union-')
        self.addCleanup(self.tmp.cleanup)

    def test_marks_where_either_detector_passes_its_threshold(self):
        general, thin = ScratchUNet(4, 2), ScratchUNet(4, 2, tophat=True)
        for net, t in ((general, 0.6), (thin, 0.9)):  # logits spread around each threshold, so both sides occur
            torch.nn.init.normal_(net.out.weight, 0, 30.0)
            torch.nn.init.constant_(net.out.bias, float(torch.logit(torch.tensor(t))))
        union = UnionDetector(general, thin, (0.6, 0.9)).eval()
        x = torch.rand(2, 1, 32, 32) * 2 - 1
        with torch.no_grad():
            g, t, u = general(x), thin(x), union(x)
        either = (g >= 0.6) | (t >= 0.9)
        self.assertTrue(0 < either.float().mean() < 1)  # the check below compares both outcomes
        near = ((g - 0.6).abs() < 1e-4) | ((t - 0.9).abs() < 1e-4)
        self.assertTrue(torch.equal((u >= 0.5)[~near], either[~near]))

    def test_thin_width_drops_the_thin_detectors_wide_marks_and_keeps_its_lines(self):
        class Fixed(ScratchUNet):  # a thin detector whose logits are the image itself, scaled
            def logits(self, image):
                return image * 20
        x = torch.full((1, 1, 48, 48), -1.0)
        x[..., 10:13, 4:44] = 1.0  # a line 3 px wide
        x[..., 24:44, 10:40] = 1.0  # a patch 20 px across
        general = ScratchUNet(4, 2)
        torch.nn.init.constant_(general.out.weight, 0)
        torch.nn.init.constant_(general.out.bias, -30)  # never marks
        union = UnionDetector(general, Fixed(4, 2), (0.5, 0.5), thin_width=7).eval()
        with torch.no_grad():
            marked = union(x)[0, 0] >= 0.5
        self.assertTrue(marked[10:13, 8:40].all(), 'the line is kept')
        self.assertFalse(marked[28:40, 14:36].any(), 'the inside of the patch is dropped')
        with self.assertRaisesRegex(ValueError, 'odd'):
            UnionDetector(general, Fixed(4, 2), (0.5, 0.5), thin_width=8)

    def test_strides_must_agree(self):
        with self.assertRaisesRegex(ValueError, 'one stride, not 4 and 8'):
            UnionDetector(ScratchUNet(4, 2), ScratchUNet(4, 3), (0.5, 0.5))

    def test_config_takes_a_thin_section_and_checks_its_keys(self):
        cfg = tiny_union()
        check_config(cfg)
        self.assertIsInstance(build_models(cfg)['detector'], UnionDetector)
        self.assertEqual(detect_multiple(cfg), 4)
        cfg['model']['detect']['thin']['wdth'] = 4
        with self.assertRaisesRegex(ValueError, 'model.detect.thin.wdth'):
            check_config(cfg)

    def save_single(self, name, section):
        cfg = load_config(TINY)
        cfg['model']['detect'] = section
        det = build_detector(section)
        path = os.path.join(self.tmp.name, name)
        torch.save({'nets': {'detector': det.state_dict()}, 'config': cfg}, path)
        return det, path

    def test_join_keeps_each_detectors_weights_and_the_chosen_thresholds(self):
        cfg = tiny_union()
        general, g_path = self.save_single('general.pt', {'width': 4, 'depth': 2})
        thin, t_path = self.save_single('thin.pt', dict(THIN))
        out = join(g_path, t_path, cfg, (0.7, 0.95))
        self.assertEqual(out['config']['model']['detect']['thresholds'], [0.7, 0.95])
        self.assertEqual(cfg['model']['detect']['thresholds'], [0.6, 0.9])  # the caller's config is left alone
        self.assertEqual([(j['role'], j['file']) for j in out['training']['joinedFrom']],
                         [('general', g_path), ('thin', t_path)])
        self.assertTrue(all(len(j['sha256']) == 64 for j in out['training']['joinedFrom']))
        union = build_detector(out['config']['model']['detect'])
        union.load_state_dict(out['nets']['detector'])
        x = torch.rand(1, 1, 16, 16)
        with torch.no_grad():
            self.assertTrue(torch.equal(union.general(x), general(x)))
            self.assertTrue(torch.equal(union.thin(x), thin(x)))
        with self.assertRaisesRegex(SystemExit, 'thin.pt.*the config\'s general detector'):
            join(t_path, g_path, cfg)

    def test_split_gives_back_the_thin_detector_to_train_on(self):
        cfg = tiny_union()
        _, g_path = self.save_single('general.pt', {'width': 4, 'depth': 2})
        thin, t_path = self.save_single('thin.pt', dict(THIN))
        u_path = os.path.join(self.tmp.name, 'union.pt')
        torch.save(join(g_path, t_path, cfg), u_path)
        out = split_thin(u_path)
        self.assertEqual(out['config']['model']['detect'], THIN)
        again = build_models(out['config'])['detector']
        again.load_state_dict(out['nets']['detector'])
        x = torch.rand(1, 1, 16, 16)
        with torch.no_grad():
            self.assertTrue(torch.equal(again(x), thin(x)))
        with self.assertRaisesRegex(SystemExit, 'not a union'):
            split_thin(t_path)

    def test_union_exports_as_one_detect_stage_and_is_recovered(self):
        cfg = tiny_union()
        cfg['export']['threshold'] = 0.5
        config = os.path.join(self.tmp.name, 'tiny-union.json')
        with open(config, 'w') as f:
            json.dump(cfg, f)
        out = os.path.join(self.tmp.name, 'models')
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(export_main(['--random-init', '--config', config, '--out', out, '--parity']), 0)
        with open(os.path.join(out, 'manifest.json')) as f:
            self.assertEqual(json.load(f)['detect']['threshold'], 0.5)
        # the recovered weights reproduce what the ONNX graph computed on the parity fixture (onnxruntime ran it
        # through the exporter's own check): both detectors and both shifts are in the one graph
        nets, _ = recover(out)
        union = build_detector(cfg['model']['detect'])
        union.load_state_dict(nets['detector'])
        folder = os.path.join(out, 'parity')
        with open(os.path.join(folder, 'index.json')) as f:
            entry = json.load(f)['stages']['detect']

        def fixture(ref):
            return np.fromfile(os.path.join(folder, ref['file']), np.float32).reshape(ref['shape'])

        x = fixture(entry['inputs']['image'])
        with torch.no_grad():
            got = union.eval()(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(got, fixture(entry['outputs']['mask_prob']), atol=1e-4)


if __name__ == '__main__':
    unittest.main()
