"""Labelled real damage (training/real_damage): the masks, manifest and crops.json agree, the split keeps the
paper's four scratched prints held out; the detector's top-hat inputs; the Tversky loss; real crops mixed into
the detector's training; the real evaluation's scores."""
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

from training import widen
from training.data.datasets import WithRealMasks
from training.evaluate_real import evaluate_real, falsely_marked, near_counts, near_scores, scores_of
from training.export import main as export_main
from training.metrics import mask_counts
from training.losses import tversky
from training.nets.detector import TOPHAT_SIZES, ScratchUNet, tophats
from training.real_damage import candidates as C
from training.real_damage import labels as L
from training.tests.helpers import ROOT, TINY, synthetic_photo


class LabelsTest(unittest.TestCase):
    def setUp(self):
        self.spec = L.load_spec()
        self.manifest = L.load_manifest()

    def test_at_least_sixty_crops_half_held_out(self):
        self.assertGreaterEqual(len(self.manifest), 60)
        held = [e for e in self.manifest if e['split'] == 'heldout']
        self.assertEqual(len(held) * 2, len(self.manifest))

    def test_the_papers_scratched_prints_are_held_out_whole(self):
        prints = [e for e in self.manifest if 'old_w_scratch' in e['source']]
        self.assertEqual(sorted(os.path.basename(e['source']) for e in prints), ['a.png', 'b.png', 'c.png', 'd.png'])
        self.assertTrue(all(e['split'] == 'heldout' for e in prints))
        self.assertTrue(all(e['box'] is None for e in prints), 'the four prints are labelled in full')

    def test_no_photo_gives_crops_to_both_halves(self):
        split = {}
        for e in self.manifest:
            self.assertEqual(split.setdefault(e['source'], e['split']), e['split'], e['source'])

    def test_manifest_matches_spec_and_masks_match_their_crops(self):
        self.assertEqual([e['id'] for e in self.manifest], [c['id'] for c in self.spec])
        for e in self.manifest:
            self.assertRegex(e['sha256'], r'^[0-9a-f]{64}$')
            with Image.open(os.path.join(L.HERE, e['mask'])) as im:
                self.assertEqual(list(im.size), e['size'], e['id'])
                mask = np.asarray(im.convert('L')) > 127
            if e['box']:
                self.assertEqual(e['size'], e['box'][2:], e['id'])
                self.assertGreaterEqual(min(e['size']), 256, 'crops are at least 256 px')
            self.assertAlmostEqual(float(mask.mean()), e['damageShare'], places=4)

    def test_masks_are_small_files_and_no_photo_is_kept(self):
        files = os.listdir(L.MASKS)
        self.assertTrue(all(f.endswith('.png') for f in files))
        for f in files:
            with Image.open(os.path.join(L.MASKS, f)) as im:
                self.assertEqual(im.mode, '1', f'{f}: masks are stored 1-bit, never as photos')
            self.assertLess(os.path.getsize(os.path.join(L.MASKS, f)), 40_000, f)

    def test_hard_negatives_are_present(self):
        tags = [t for e in self.manifest for t in e['tags']]
        for t in ('hair', 'fabric', 'branches', 'wires', 'text', 'edges'):
            self.assertIn(t, tags)
        self.assertTrue(any(e['damageShare'] == 0 for e in self.manifest if e['split'] == 'heldout'))

    @unittest.skipUnless(os.path.isdir(L.old_photos_root()), 'the old-photos data set is not beside the repo')
    def test_masks_rebuild_from_crops_json_and_the_sources(self):
        root = L.old_photos_root()
        spec = {c['id']: c for c in self.spec}
        for e in self.manifest:
            rgb, mask = L.load_pair(e, root)
            np.testing.assert_array_equal(mask, L.mask_of(spec[e['id']], rgb), e['id'])

    def test_edits(self):
        rgb = np.zeros((40, 50, 3), np.uint8)
        rgb[20, 5:45] = 255  # a one-pixel bright scratch
        c = {'id': 'x', 'candidates': [{'polarity': 'bright', 'size': 5, 'threshold': 0.3, 'min_area': 5}], 'edits': []}
        self.assertGreaterEqual(int(L.mask_of(c, rgb)[20].sum()), 38)
        c['edits'] = [['erase', 0, 0, 25, 40]]
        self.assertEqual(np.flatnonzero(L.mask_of(c, rgb)[20]).min(), 25)
        c['edits'] = [['disc', 10, 5, 2], ['keep', 30, 15, 5, 10]]
        m = L.mask_of(c, rgb)
        self.assertTrue(m[20, 30:35].all())
        outside = m.copy()
        outside[15:25, 30:35] = False
        self.assertFalse(outside.any(), 'keep boxes clear everything outside them, drawn edits too')
        c['edits'] = [['line', 1, 0, 0, 49, 0]]
        self.assertTrue(L.mask_of(c, rgb)[0].all())
        with self.assertRaisesRegex(ValueError, "unknown edit 'smudge'"):
            L.mask_of({'id': 'x', 'edits': [['smudge']]}, rgb)


class CandidatesTest(unittest.TestCase):
    def test_thin_bright_lines_pass_and_round_blobs_do_not_unless_asked(self):
        rgb = np.full((64, 64, 3), 80, np.uint8)
        rgb[10, 4:60] = 230
        rgb[40:44, 40:44] = 230
        lines = C.candidate(rgb, 'bright', 7, 0.2, 6, 3.0, grow=0)
        self.assertTrue(lines[10, 10:50].all())
        self.assertFalse(lines[40:44, 40:44].any())
        specks = C.candidate(rgb, 'bright', 7, 0.2, 6, 0.0, grow=0, max_area=30)
        self.assertTrue(specks[41, 41] and not specks[10, 30], 'a speck passes, the long line is over max_area')


class TophatDetectorTest(unittest.TestCase):
    def test_tophats_respond_to_thin_lines_of_their_polarity_only(self):
        g = torch.full((1, 1, 32, 32), -0.2)
        g[0, 0, 10, :] = 0.8   # bright line
        g[0, 0, 20, :] = -0.9  # dark line
        t = tophats(g)
        self.assertEqual(t.shape[1], 2 * len(TOPHAT_SIZES))
        self.assertGreaterEqual(float(t.min()), -1e-6)
        self.assertAlmostEqual(float(t[0, 0, 10, 16]), 1.0, places=5)
        self.assertAlmostEqual(float(t[0, 1, 20, 16]), 0.7, places=5)
        self.assertAlmostEqual(float(t[0, 0, 20, 16]), 0.0, places=5)
        self.assertAlmostEqual(float(t[0, 0, 5, 16]), 0.0, places=5)

    def test_a_detector_grown_with_tophat_inputs_starts_as_the_one_it_grew_from(self):
        torch.manual_seed(0)
        old = ScratchUNet(4, 3).eval()
        for p in old.parameters():
            p.data += 0.05 * torch.randn_like(p)
        wide = ScratchUNet(6, 3, tophat=True)
        wide.load_state_dict(widen.widen_detector(old.state_dict(), old, wide))
        x = torch.randn(2, 1, 32, 40)
        with torch.no_grad():
            a, b = old.logits(x), wide.eval().logits(x)
        self.assertLess(float((a - b).abs().max()), 1e-5 * float(a.abs().max()))
        wide.train().logits(x).pow(2).mean().backward()
        self.assertGreater(float(wide.inc[0].weight.grad[:, 1:].abs().max()), 0, 'the top-hat columns learn')


class LossAndMixTest(unittest.TestCase):
    def test_tversky_charges_misses_more_than_false_marks(self):
        t = torch.zeros(1, 1, 8, 8)
        t[..., 2:4, :] = 1
        perfect = torch.where(t > 0, 20.0, -20.0)
        miss = torch.where(t > 0, -20.0, -20.0)
        extra = torch.full_like(t, 20.0)
        self.assertLess(float(tversky(perfect, t)), 1e-3)
        self.assertGreater(float(tversky(miss, t, 0.7)), float(tversky(extra, t, 0.7)))

    def test_real_crops_replace_a_share_of_the_samples_reproducibly(self):
        class Base:
            crop = 32

            def __len__(self):
                return 10 ** 6

            def __getitem__(self, i):
                z = torch.zeros(3, 32, 32)
                return z, z, torch.zeros(1, 32, 32)
        rng = np.random.default_rng(0)
        rgb = (synthetic_photo(rng, 48, 40) * 255).astype(np.uint8)
        mask = np.zeros((48, 40), bool)
        mask[:, 20] = True
        ds = WithRealMasks(Base(), [(rgb, mask)], 0.3, seed=7)
        real = [i for i in range(400) if ds[i][2].sum() > 0]
        self.assertTrue(90 <= len(real) <= 150, len(real))
        x, y, m = ds[real[0]]
        self.assertEqual(tuple(x.shape), (3, 32, 32))
        self.assertEqual(int(m.sum()), 32, 'a full-height line, turned or not, crosses the window once')
        np.testing.assert_array_equal(ds[real[0]][2], m)


@unittest.skipUnless(shutil.which('node') and os.path.isdir(os.path.join(ROOT, 'node_modules', 'onnxruntime-node')),
                     'node with the app\'s node_modules is needed to drive the CLI')
class RealEvaluationEndToEndTest(unittest.TestCase):
    def test_labelled_crops_are_restored_through_the_cli_and_scored(self):
        with tempfile.TemporaryDirectory(prefix='heirloom-eval-real-') as tmp:
            photos = os.path.join(tmp, 'data', 'old-photos', 'box')
            os.makedirs(photos)
            os.makedirs(os.path.join(tmp, 'masks'))
            rng = np.random.default_rng(3)
            entries = []
            for i in range(3):
                img = (synthetic_photo(rng, 96, 112) * 255).astype(np.uint8)
                mask = np.zeros((64, 80), bool)
                if i < 2:  # a bright scratch in two of them, the third intact
                    img[30 + i, 10:100] = 250
                    mask[30 + i - 8, 2:80] = True
                Image.fromarray(img).save(os.path.join(photos, f'{i}.png'))
                Image.fromarray(mask.astype(np.uint8) * 255).convert('1').save(os.path.join(tmp, 'masks', f'{i}.png'))
                entries.append({'id': f'bopbtl-scratch-{i}' if i == 0 else f'crop-{i}', 'source': f'box/{i}.png',
                                'sha256': L.sha256(os.path.join(photos, f'{i}.png')), 'box': [8, 8, 80, 64],
                                'split': 'heldout', 'tags': [], 'mask': f'masks/{i}.png'})
            models = os.path.join(tmp, 'models')
            with contextlib.redirect_stdout(io.StringIO()):
                export_main(['--random-init', '--config', TINY, '--out', models])
            out, sheet = os.path.join(tmp, 'real.json'), os.path.join(tmp, 'sheet.png')
            with contextlib.redirect_stdout(io.StringIO()):
                result = evaluate_real(models, os.path.join(tmp, 'data'), out, sheet, 1, 'cpu', labels=(entries, tmp))
            self.assertEqual(result['crops'], 3)
            self.assertEqual(result['ours']['damaged']['crops'], 2)
            self.assertEqual(result['ours']['prints']['crops'], 1)
            self.assertGreater(result['classical']['damaged']['recall'], 0.5, 'the top-hat recipe finds a bright line')
            self.assertIsNotNone(result['ours']['undamagedMarked'])
            self.assertGreaterEqual(result['classical']['damagedWithin']['recall'], result['classical']['damaged']['recall'])
            with open(out) as f:
                self.assertEqual(json.load(f)['perCrop'][0]['truePixels'], 78)
            with Image.open(sheet) as im:
                self.assertGreater(im.height, 3 * 16)
            entries[1]['sha256'] = '0' * 64
            with self.assertRaisesRegex(ValueError, 'crop-1: box/1.png is not the file the mask was drawn on'):
                evaluate_real(models, os.path.join(tmp, 'data'), out, sheet, 1, 'cpu', labels=(entries, tmp))


class RealEvaluationTest(unittest.TestCase):
    def test_scores_pool_damaged_crops_and_false_marks_on_intact_ones(self):
        t = np.zeros((10, 10), bool)
        t[2] = True
        p = np.zeros((10, 10), bool)
        p[2, :5] = True
        recs = [{'damaged': True, 'print': True, 'ours': mask_counts(p, t)},
                {'damaged': False, 'print': False, 'ours': mask_counts(p, np.zeros((10, 10), bool))}]
        s = scores_of(recs, 'ours', lambda r: r['damaged'])
        self.assertEqual((s['recall'], s['precision'], s['crops']), (0.5, 1.0, 1))
        self.assertEqual(falsely_marked(recs, 'ours'), 0.05)

    def test_within_the_fill_distance_a_marked_core_covers_its_wide_crack(self):
        t = np.zeros((20, 40), bool)
        t[8:14, 5:35] = True  # a crack labelled 6 px wide
        p = np.zeros((20, 40), bool)
        p[10:12, 5:35] = True  # its middle 2 px marked
        p[0, 0:4] = True  # and a false mark far from it
        pixel = mask_counts(p, t)
        self.assertAlmostEqual(pixel['tp'] / pixel['true'], 1 / 3, places=3)
        near = near_counts(p, t, 2)
        recs = [{'damaged': True, 'print': False, 'oursNear': near}]
        s = near_scores(recs, 'ours', lambda r: r['damaged'])
        self.assertEqual(s['recall'], 1.0)  # every label pixel lies within 2 px of a mark
        self.assertEqual(s['precision'], round(60 / 64, 4))  # the far mark stays false
        self.assertEqual(near_counts(p, t, 0)['trueNear'], pixel['tp'])



class ThinStatsTest(unittest.TestCase):
    def test_width_contrast_and_branches_of_a_drawn_cross(self):
        from training.real_damage.stats import thin_stats
        rgb = np.full((80, 80, 3), 100, np.uint8)
        mask = np.zeros((80, 80), bool)
        mask[39:42, 5:75] = True   # 3 px wide
        mask[5:75, 39:42] = True
        rgb[mask] = 200
        s = thin_stats(rgb, mask)
        self.assertTrue(2.5 <= s['width'] <= 4.5, s)
        self.assertAlmostEqual(s['contrast'], 100 / 255, places=2)
        self.assertGreater(s['branching'], 0)
        self.assertIsNone(thin_stats(rgb, np.zeros((80, 80), bool)))


if __name__ == '__main__':
    unittest.main()
