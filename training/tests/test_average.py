"""Weight averaging (training.average): the mean of each averaged net's parameters, the first file's other nets,
and a clear refusal for files that do not hold the same architecture."""
import os
import tempfile
import unittest

import torch

from training.average import average, load, main
from training.config import load_config
from training.stages.models import build_models
from training.tests.helpers import TINY


def _save(path, seed, cfg=None, **over):
    torch.manual_seed(seed)
    nets = {k: v.state_dict() for k, v in build_models(cfg or load_config(TINY)).items() if k in ('E_A', 'T', 'G_B', 'detector')}
    nets.update(over)
    torch.save({'nets': nets, 'config': cfg or load_config(TINY)}, path)
    return nets


class AverageTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = lambda name: os.path.join(self.dir.name, name)

    def tearDown(self):
        self.dir.cleanup()

    def test_averaged_nets_are_the_mean_and_no_other_net_is_kept(self):
        a, b, c = (_save(self.path(f'{n}.pt'), s) for n, s in (('a', 1), ('b', 2), ('c', 3)))
        out = average(load([self.path('a.pt'), self.path('b.pt'), self.path('c.pt')]), ['E_A', 'T', 'G_B'])
        for net in ('E_A', 'T', 'G_B'):
            for key, value in out[net].items():
                expected = (a[net][key].double() + b[net][key].double() + c[net][key].double()) / 3
                self.assertTrue(torch.allclose(value.double(), expected, atol=1e-7), f'{net}.{key}')
                self.assertEqual(value.dtype, a[net][key].dtype)
        self.assertEqual(set(out), {'E_A', 'T', 'G_B'}, 'a checkpoint\'s untrained nets must not ride along into an export')
        self.assertFalse(torch.equal(out['T'][next(iter(a['T']))], a['T'][next(iter(a['T']))]))

    def test_the_output_file_keeps_the_config_and_loads_into_the_nets(self):
        _save(self.path('a.pt'), 1)
        _save(self.path('b.pt'), 2)
        main(['--weights', f"{self.path('a.pt')},{self.path('b.pt')}", '--out', self.path('avg.pt')])
        saved = torch.load(self.path('avg.pt'), weights_only=False)
        self.assertEqual(saved['config'], load_config(TINY))
        nets = build_models(saved['config'])
        for k in ('E_A', 'T', 'G_B'):
            nets[k].load_state_dict(saved['nets'][k])
        self.assertNotIn('detector', saved['nets'])
        self.assertEqual([a['file'] for a in saved['training']['averagedFrom']], [self.path('a.pt'), self.path('b.pt')])

    def test_the_record_adds_up_finished_and_running_stages(self):
        from training.checkpoints import checkpoint_record
        state = {'done': ['joint'], 'steps': {'joint': 900}, 'seconds': {'joint': 1288.0}, 'stage': 'detect', 'step': 2783,
                 'stage_seconds': 2962.54}
        self.assertEqual(checkpoint_record(state), {'steps': {'joint': 900, 'detect': 2783},
                                                    'seconds': {'joint': 1288.0, 'detect': 2962.5}})
        torch.save({'nets': {'detector': {}}, 'state': state}, self.path('ck1.pt'))
        torch.save({'nets': {'detector': {}}, 'state': dict(state, step=2787, stage_seconds=2963.2)}, self.path('ck2.pt'))
        from training.average import record
        rec = record(load([self.path('ck1.pt'), self.path('ck2.pt')]))
        self.assertEqual(rec['steps'], {'joint': 900, 'detect': 2787})
        self.assertAlmostEqual(rec['seconds']['detect'], 2962.5 + 2963.2)
        self.assertEqual(len(rec['averagedFrom'][0]['sha256']), 64)
        self.assertNotIn('data', rec, 'files that say nothing of their photos give no count')

    def test_the_record_keeps_the_most_photos_of_each_kind(self):
        from training.average import record
        for name, data in (('f1.pt', {'clean': 203, 'old': 183}), ('f2.pt', {'clean': 203, 'clean_extra': 123}),
                           ('f3.pt', None)):
            torch.save({'nets': {}, 'training': {'steps': {'joint': 5}, **({'data': data} if data else {})}}, self.path(name))
        rec = record(load([self.path(n) for n in ('f1.pt', 'f2.pt', 'f3.pt')]))
        self.assertEqual(rec['data'], {'clean': 203, 'old': 183, 'clean_extra': 123})

    def test_other_architectures_and_single_files_are_refused(self):
        _save(self.path('a.pt'), 1)
        wider = load_config(TINY)
        wider['model']['vae']['width'] = wider['model']['vae']['width'] * 2
        _save(self.path('wide.pt'), 2, wider)
        with self.assertRaisesRegex(SystemExit, r'wide\.pt: E_A\..* is \('):
            average(load([self.path('a.pt'), self.path('wide.pt')]), ['E_A'])
        with self.assertRaisesRegex(SystemExit, 'at least two'):
            average(load([self.path('a.pt')]), ['E_A'])
        torch.save({'nets': {'E_A': {}}}, self.path('partial.pt'))
        with self.assertRaisesRegex(SystemExit, 'partial.pt: has no T'):
            average(load([self.path('a.pt'), self.path('partial.pt')]), ['T'])


    def test_a_grown_module_averages_with_its_absence_as_the_identity(self):
        plain_cfg, head_cfg = load_config(TINY), load_config(TINY)
        for c in (plain_cfg, head_cfg):
            c['model']['vae']['detail'] = True
        head_cfg['model']['vae']['refine'] = 4
        plain = _save(self.path('plain.pt'), 1, plain_cfg)
        head = _save(self.path('head.pt'), 2, head_cfg)
        torch.nn.init.normal_(head['G_B']['refine.7.weight'], std=0.1)  # a trained head adds something
        torch.save({'nets': head, 'config': head_cfg}, self.path('head.pt'))
        main(['--weights', f"{self.path('plain.pt')},{self.path('head.pt')}", '--out', self.path('avg.pt')])
        saved = torch.load(self.path('avg.pt'), weights_only=False)
        self.assertEqual(saved['config'], head_cfg, 'the config that builds the head')
        g = saved['nets']['G_B']
        self.assertTrue(torch.equal(g['refine.1.weight'], head['G_B']['refine.1.weight']), 'inner layers: the holder\'s')
        self.assertTrue(torch.allclose(g['refine.7.weight'], head['G_B']['refine.7.weight'] / 2), 'output: half')
        key = 'decoder.0.weight'
        self.assertTrue(torch.allclose(g[key], (plain['G_B'][key] + head['G_B'][key]) / 2))
        nets = build_models(saved['config'])
        nets['G_B'].load_state_dict(g)
        # a module the nets were never grown with is no excuse to average different architectures
        head['G_B']['decoder.0.extra'] = torch.zeros(1)
        torch.save({'nets': head}, self.path('odd.pt'))
        with self.assertRaisesRegex(SystemExit, 'odd.pt: G_B has other parameters'):
            average(load([self.path('plain.pt'), self.path('odd.pt')]), ['G_B'])

if __name__ == '__main__':
    unittest.main()
