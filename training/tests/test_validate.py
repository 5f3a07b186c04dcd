"""training.validate on generated photos: a model that starts as the identity (detail band) scores
exactly the input; one told to do something else scores differently; a file without a config is refused."""
import contextlib
import io
import json
import os
import re
import unittest

import numpy as np

import torch

from training.tests.helpers import TINY, BenchmarkSetCase, save_chain, tiny_chain, validate_text, write_benchmark_set
from training.validate import colour_fixed


class ColourFixedTest(unittest.TestCase):
    def test_undoes_a_per_channel_gain_and_offset_and_nothing_else(self):
        rng = np.random.default_rng(3)
        clean = rng.uniform(0.1, 0.9, (20, 24, 3)).astype(np.float32)
        toned = clean * np.array([0.7, 0.9, 0.6], np.float32) + np.array([0.1, 0.05, 0.2], np.float32)
        np.testing.assert_allclose(colour_fixed(toned, clean), clean, atol=1e-5)
        noisy = np.clip(clean + rng.normal(0, 0.05, clean.shape), 0, 1).astype(np.float32)
        fixed = colour_fixed(noisy, clean)
        self.assertGreater(np.abs(fixed - clean).mean(), 0.02, 'noise is not a colour cast')
        self.assertLessEqual(((fixed - clean) ** 2).mean(), ((noisy - clean) ** 2).mean() + 1e-9, 'least squares')


def input_db(text):
    return re.search(r'input ([\d.]+) dB', text).group(1)


class ValidateTest(BenchmarkSetCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cfg, nets = tiny_chain()
        cls.identity = save_chain(os.path.join(cls.tmp, 'identity.pt'), nets, cfg)
        torch.nn.init.normal_(nets['G_B'].decoder[-1].weight, std=0.05)
        cls.changed = save_chain(os.path.join(cls.tmp, 'changed.pt'), nets, cfg)

    def run_validate(self, *weights):  # weight files, then any flags
        return validate_text(weights, self.tmp)

    def test_scores_are_measured_per_weight_file(self):
        text = self.run_validate(self.identity, self.changed)
        found = dict(re.findall(r'^(.+?): ([\d.]+) dB', text, re.M))
        inp = re.search(r'input ([\d.]+) dB', text).group(1)
        self.assertIn('3 images of SetG', text)
        self.assertEqual(found[self.identity], inp, 'the identity model restores nothing and breaks nothing')
        self.assertNotEqual(found[self.changed], inp)
        self.assertIn(f'{self.identity}: {inp} dB', text)
        self.assertRegex(text, re.escape(self.identity) + r'.*worse than the input \(by > 0\.05 dB\) on 0 of 3')

    def test_by_fault_scores_each_fault_alone(self):
        rows = dict(re.findall(r'^  (\w+) +input (.+)$', self.run_validate(self.identity, self.changed, '--by-fault'), re.M))
        self.assertEqual(set(rows), {'none', 'blur', 'noise', 'lowres', 'jpeg', 'fade', 'tone', 'structured'})
        self.assertTrue(rows['none'].startswith('99.00 / 1.000 [fixed 99.00]  →  99.00 / 1.000 [fixed 99.00]'), rows['none'])
        self.assertGreater(float(re.search(r'fixed ([\d.]+)', rows['fade']).group(1)),
                           float(rows['fade'].split(' / ')[0]) + 3, 'fading alone is close to a per-channel gain and offset')
        for fault, row in rows.items():
            inp, ident, changed = re.findall(r'(\S+) / ([\d.]+)', row)
            self.assertEqual(inp, ident, f'{fault}: the identity model scores exactly the input')
            self.assertNotEqual(inp, changed, f'{fault}: a changed model scores differently')

    def test_by_fault_is_refused_beside_another_damage_view(self):
        for view in ('--foreign', '--released', '--muted'):
            err = io.StringIO()
            with self.assertRaises(SystemExit), contextlib.redirect_stderr(err):
                self.run_validate(self.identity, '--by-fault', view)
            self.assertIn('--by-fault scores our own faults', err.getvalue())

    def assert_seeded_view(self, flag, heading):
        """Under `flag` the photos are damaged their own way, seeded per photo, and the identity model scores exactly
        that input: the view is printed under `heading`."""
        plain, view = self.run_validate(self.identity), self.run_validate(self.identity, flag)
        self.assertIn(heading, view)
        self.assertNotEqual(input_db(plain), input_db(view), f'{flag}: another input than the plain damage')
        self.assertIn(f'{self.identity}: {input_db(view)} dB', view, f'{flag}: scored against its own truth and input')
        self.assertEqual(view, self.run_validate(self.identity, flag), 'seeded per photo')

    def test_muted_truths_are_scored_against_the_muted_photo(self):
        # the muted truth is degraded, not the photo itself, and scored against the muted truth
        self.assert_seeded_view('--muted', '3 muted images of SetG')

    def test_foreign_damage_is_its_own_seeded_degradation(self):
        self.assert_seeded_view('--foreign', '3 images of SetG (foreign damage)')

    def test_released_damage_is_its_own_seeded_degradation(self):
        self.assert_seeded_view('--released', "3 images of SetG (the released code's damage)")
        with self.assertRaises(SystemExit):
            self.run_validate(self.identity, '--released', '--foreign')

    def test_several_sets_are_also_scored_set_by_set(self):
        write_benchmark_set(self.tmp, name='SetH', n=2, size=(48, 40))
        text = validate_text([self.changed], self.tmp, sets='SetG,SetH')
        overall = float(re.search(re.escape(self.changed) + r': ([\d.]+) dB', text).group(1))
        per_set = {k: float(v) for k, v in re.findall(r'(Set[GH]) ([\d.]+) /', text)}
        self.assertEqual(set(per_set), {'SetG', 'SetH'})
        self.assertAlmostEqual((3 * per_set['SetG'] + 2 * per_set['SetH']) / 5, overall, delta=0.011)  # rounded to 0.01

    def test_a_file_without_a_config_needs_one_named(self):
        bare = os.path.join(self.tmp, 'bare.pt')
        torch.save(torch.load(self.identity, weights_only=False)['nets'], bare)
        with self.assertRaisesRegex(SystemExit, 'no config inside'):
            self.run_validate(bare)
        # a named config file is merged over the defaults, as training reads it (it held only the keys it changes,
        # and restoring looked up export.dilate in it)
        partial = os.path.join(self.tmp, 'partial.json')
        with open(TINY) as f:
            raw = json.load(f)  # the tiny config's own keys only: no export.dilate, for one
        raw['model']['vae']['detail'] = True
        with open(partial, 'w') as f:
            json.dump(raw, f)
        text = self.run_validate(f'{bare}:{partial}')
        self.assertEqual(re.search(r': ([\d.]+) dB', text).group(1), input_db(text))


class LooksGreyTest(unittest.TestCase):
    """validate restores a grey-looking photo as the engine does (image-io.ts looksGrey)."""

    def test_the_engine_rule(self):
        from training.validate import looks_grey
        rng = np.random.default_rng(0)
        grey = np.repeat(rng.random((20, 30, 1), np.float32), 3, -1)
        self.assertTrue(looks_grey(grey))
        noisy = grey.copy()
        noisy[..., 0] += 1.5 / 255  # compression noise: under 2 levels on average
        self.assertTrue(looks_grey(noisy))
        spot = grey.copy()
        spot[3, 4, 2] = np.clip(spot[3, 4, 2] + 13 / 255, 0, 1) if spot[3, 4, 2] < 0.9 else spot[3, 4, 2] - 13 / 255
        self.assertFalse(looks_grey(spot))  # one pixel 13 levels off is colour
        tinted = grey * np.array([1.0, 0.97, 0.9], np.float32)
        self.assertFalse(looks_grey(tinted))


if __name__ == '__main__':
    unittest.main()
