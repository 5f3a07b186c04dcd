"""training.export: four ONNX files that pass onnx.checker with the contract's
names and dynamic axes, a manifest whose checksums match, parity fixtures,
weights merged from several files, atomic replacement of the folder, and
metrics kept only while the ONNX files stay byte-identical, and the model card kept. (onnxruntime
replays the parity fixtures in test/integration/model-parity.test.ts.)"""
import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
import unittest

import numpy as np
import onnx
import torch

from training.config import load_config
from training.export import main as export_main
from training.from_onnx import recover, recovered_file
from training.stages import build_models
from training.tests.helpers import TINY

NAMES = {'detect': (['image'], ['mask_prob']), 'encode': (['image'], ['latent']),
         'map': (['latent', 'mask', 'context'], ['latent_out']), 'decode': (['latent', 'tone'], ['image']),
         'tone': (['thumbnail'], ['tone'])}  # tiny.json takes the context; a random-init set has a tone stage


def export(*args):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = export_main(list(args))
    return code, err.getvalue()


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)
        cls.tmp = tempfile.TemporaryDirectory(prefix='heirloom-export-')
        cls.out = os.path.join(cls.tmp.name, 'models')
        code, _ = export('--random-init', '--config', TINY, '--out', cls.out, '--parity')
        assert code == 0
        with open(os.path.join(cls.out, 'manifest.json')) as f:
            cls.manifest = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_onnx_files_pass_the_checker_with_contract_names_and_dynamic_axes(self):
        for stage, (ins, outs) in NAMES.items():
            model = onnx.load(os.path.join(self.out, f'{stage}.onnx'))
            onnx.checker.check_model(model)
            self.assertEqual(max(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx')), 17)
            self.assertEqual([i.name for i in model.graph.input], ins)
            self.assertEqual([o.name for o in model.graph.output], outs)
            for value in list(model.graph.input) + list(model.graph.output):
                dims = value.type.tensor_type.shape.dim
                per_photo = {'context': [2 * load_config(TINY)['model']['vae']['latent']], 'tone': [15],
                             'thumbnail': [3, 64, 64]}
                if value.name in per_photo:  # one per photo: only the batch axis varies
                    self.assertTrue(dims[0].dim_param, f'{stage}.{value.name}')
                    self.assertEqual([d.dim_value for d in dims[1:]], per_photo[value.name], f'{stage}.{value.name}')
                    continue
                self.assertEqual(len(dims), 4)
                for axis in (0, 2, 3):
                    self.assertTrue(dims[axis].dim_param, f'{stage}.{value.name} axis {axis} should be dynamic')
                self.assertGreater(dims[1].dim_value, 0)

    def test_manifest_follows_the_engine_schema(self):
        m = self.manifest
        cfg = load_config(TINY)
        self.assertEqual(m['format'], 1)
        self.assertTrue(m['modelId'])
        self.assertEqual(m['latentChannels'], cfg['model']['vae']['latent'])
        self.assertEqual(sorted(m['stages']), sorted(NAMES))
        for stage, spec in m['stages'].items():
            path = os.path.join(self.out, spec['file'])
            with open(path, 'rb') as f:
                data = f.read()
            self.assertEqual(spec['sha256'], hashlib.sha256(data).hexdigest())
            self.assertEqual(spec['bytes'], len(data))
            self.assertEqual(list(spec['inputs']), NAMES[stage][0])
            self.assertEqual(list(spec['outputs']), NAMES[stage][1])
            self.assertEqual(spec['normalisation'], {'range': [-1, 1], 'grayscale': stage == 'detect'})
            self.assertIsInstance(spec['spatialMultiple'], int)
        self.assertEqual(m['stages']['detect']['spatialMultiple'], 2 ** cfg['model']['detect']['depth'])
        self.assertEqual(m['stages']['encode']['spatialMultiple'], 4)
        e = cfg['export']
        self.assertEqual(m['detect'], {'threshold': e['threshold'], 'workingLongSide': e['workingLongSide'], 'dilate': e['dilate']})
        self.assertEqual(m['tiling'], {'tile': e['tile'], 'overlap': e['overlap']})
        self.assertGreater(m['macsPerPixel'], 0)
        self.assertTrue(m['training']['randomInit'])
        self.assertEqual(m['training']['config']['model'], cfg['model'])
        self.assertEqual(m['metrics'], {})
        self.assertIn('weights', m['licence'])

    def test_parity_fixtures_are_complete(self):
        folder = os.path.join(self.out, 'parity')
        with open(os.path.join(folder, 'index.json')) as f:
            index = json.load(f)
        self.assertEqual(index['modelId'], self.manifest['modelId'])
        self.assertEqual(index['tolerance'], 1e-3)
        for stage, (ins, outs) in NAMES.items():
            entry = index['stages'][stage]
            self.assertEqual(index['sha256'][stage], self.manifest['stages'][stage]['sha256'])
            self.assertEqual(list(entry['inputs']), ins)
            self.assertEqual(list(entry['outputs']), outs)
            for ref in list(entry['inputs'].values()) + list(entry['outputs'].values()):
                self.assertEqual(os.path.getsize(os.path.join(folder, ref['file'])), 4 * int(np.prod(ref['shape'])))
        shapes = {k: v['shape'] for k, v in index['stages']['decode']['outputs'].items()}
        lat = index['stages']['decode']['inputs']['latent']['shape']
        self.assertEqual(shapes['image'], [lat[0], 3, 4 * lat[2], 4 * lat[3]])

    def test_no_staging_folder_is_left_behind_and_reexport_keeps_metrics_only_if_identical(self):
        out = os.path.join(self.tmp.name, 'again')
        self.assertEqual(export('--random-init', '--config', TINY, '--out', out)[0], 0)
        path = os.path.join(out, 'manifest.json')
        with open(path) as f:
            m = json.load(f)
        m['metrics'] = {'overall': {'psnr': 1.0}}
        with open(path, 'w') as f:
            json.dump(m, f)
        with open(os.path.join(out, 'README.md'), 'w') as f:
            f.write('# Model card\n')
        self.assertEqual(export('--random-init', '--config', TINY, '--out', out)[0], 0)
        with open(path) as f:
            self.assertEqual(json.load(f)['metrics'], {'overall': {'psnr': 1.0}}, 'same weights, same files: metrics stay')
        self.assertEqual(export('--random-init', '--seed', '3', '--config', TINY, '--out', out)[0], 0)
        with open(path) as f:
            self.assertEqual(json.load(f)['metrics'], {}, 'other weights: stale metrics go')
        with open(os.path.join(out, 'README.md')) as f:
            self.assertEqual(f.read(), '# Model card\n', 'the hand-written model card survives re-exports')
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ['again', 'models'])

    def test_weights_from_several_files_are_merged_and_used(self):
        cfg = load_config(TINY)
        torch.manual_seed(11)
        nets = build_models(cfg)
        run = os.path.join(self.tmp.name, 'run')
        os.makedirs(os.path.join(run, 'weights'))
        final = {'nets': {k: nets[k].state_dict() for k in ('E_A', 'T', 'G_B', 'detector')}, 'config': cfg,
                 'training': {'steps': {'map': 4, 'joint': 3}, 'seconds': {'map': 1.0, 'joint': 1.0},
                              'data': {'clean': 6}}}
        torch.save(final, os.path.join(run, 'weights', 'final.pt'))
        torch.manual_seed(12)
        detector = build_models(cfg)['detector']
        torch.save({'detector': detector.state_dict()}, os.path.join(run, 'weights', 'detect.pt'))
        with open(os.path.join(run, 'log.txt'), 'w') as f:
            f.write('10:00:00 data: 6 clean photos from x\n10:00:00 data: 3 real old photos\n'
                    '10:00:01 [vae_a] done: 4 steps in 2s\n10:00:02 [detect] done: 4 steps in 1s\n')
        out = os.path.join(self.tmp.name, 'trained')
        parity = os.path.join(self.tmp.name, 'trained-parity')
        weights = os.path.join(run, 'weights', 'final.pt') + ',' + os.path.join(run, 'weights', 'detect.pt')
        code, err = export('--weights', weights, '--out', out, '--parity', parity, '--model-id', 'test-model')
        self.assertEqual(code, 0)
        self.assertEqual(err, '')
        with open(os.path.join(out, 'manifest.json')) as f:
            m = json.load(f)
        self.assertEqual(m['modelId'], 'test-model')
        self.assertFalse(m['training']['randomInit'])
        self.assertEqual({w['net']: w['file'] for w in m['training']['weights']},
                         {'E_A': 'final.pt', 'T': 'final.pt', 'G_B': 'final.pt', 'detector': 'detect.pt'})
        self.assertEqual(m['training']['stages']['map'], {'steps': 4, 'seconds': 1.0})
        self.assertEqual(m['training']['stages']['vae_a'], {'steps': 4, 'seconds': 2.0})
        self.assertEqual(m['training']['data']['images'], {'clean': 6, 'old': 3})
        self.assertFalse(os.path.exists(os.path.join(out, 'parity')))
        # the parity outputs were computed with the loaded weights, not fresh random ones
        for stage, net in (('encode', nets['E_A']), ('detect', detector)):
            with open(os.path.join(parity, f'{stage}.json')) as f:
                entry = json.load(f)
            ref_in, ref_out = entry['inputs']['image'], list(entry['outputs'].values())[0]
            x = torch.from_numpy(np.fromfile(os.path.join(parity, ref_in['file']), '<f4').reshape(ref_in['shape']))
            want = np.fromfile(os.path.join(parity, ref_out['file']), '<f4').reshape(ref_out['shape'])
            with torch.no_grad():
                got = net.eval()(x).numpy()
            np.testing.assert_allclose(got, want, atol=1e-6)

    def test_weights_recovered_from_the_onnx_files_reexport_byte_identical(self):
        weights, cfg = recover(self.out)
        self.assertEqual(sorted(weights), ['E_A', 'G_B', 'T', 'detector', 'tone'])
        path = os.path.join(self.tmp.name, 'recovered.pt')
        torch.save(weights, path)
        out = os.path.join(self.tmp.name, 'reexported')
        self.assertEqual(export('--weights', path, '--config', TINY, '--out', out)[0], 0)
        with open(os.path.join(out, 'manifest.json')) as f:
            again = json.load(f)
        for stage, info in self.manifest['stages'].items():
            self.assertEqual(again['stages'][stage]['sha256'], info['sha256'], stage)
        # weights from before the tone stage: no tone.onnx, and decode.onnx takes the latent alone
        del weights['tone']
        torch.save(weights, path)
        out = os.path.join(self.tmp.name, 'no-tone')
        self.assertEqual(export('--weights', path, '--config', TINY, '--out', out)[0], 0)
        with open(os.path.join(out, 'manifest.json')) as f:
            plain = json.load(f)
        self.assertEqual(sorted(plain['stages']), ['decode', 'detect', 'encode', 'map'])
        self.assertEqual(list(plain['stages']['decode']['inputs']), ['latent'])
        self.assertFalse(os.path.exists(os.path.join(out, 'tone.onnx')))
        self.assertEqual(sorted(recover(out)[0]), ['E_A', 'G_B', 'T', 'detector'])
        # a models folder whose manifest names another architecture is refused, not half-loaded
        bad = os.path.join(self.tmp.name, 'bad-models')
        shutil.copytree(self.out, bad)
        manifest = dict(self.manifest)
        manifest['training'] = dict(manifest['training'], config=load_config(TINY.replace('tiny', 'cpu')))
        with open(os.path.join(bad, 'manifest.json'), 'w') as f:
            json.dump(manifest, f)
        with self.assertRaises(SystemExit) as ctx:
            recover(bad)
        self.assertIn('missing or of another shape', str(ctx.exception))

    def test_weights_recovered_from_a_set_export_with_that_sets_record(self):
        """Going on from a shipped set whose checkpoints are gone: the recovered nets count as trained, by the stages
        and for the time the set's manifest records, and each names the set it came from."""
        trained = os.path.join(self.tmp.name, 'trained-set')
        shutil.copytree(self.out, trained)
        manifest = json.loads(json.dumps(self.manifest))
        manifest['modelId'] = 'heirloom-test-set'
        manifest['training']['stages'] = {'joint': {'steps': 30, 'seconds': 4.5}, 'detect': {'steps': 20, 'seconds': 2.0}}
        manifest['training']['weights'] = [{'net': n, 'file': f'{n}.pt', 'sha256': 'ab' * 32, 'trained': True}
                                           for n in ('E_A', 'T', 'G_B', 'detector')]
        with open(os.path.join(trained, 'manifest.json'), 'w') as f:
            json.dump(manifest, f)
        with self.assertRaises(SystemExit) as ctx:
            recovered_file(trained, ['E_A', 'nope'])
        self.assertIn("unknown ['nope']", str(ctx.exception))
        alone = recovered_file(trained, ['detector'])['training']
        self.assertEqual((alone['steps'], alone['seconds']), ({'detect': 20}, {'detect': 2.0}), 'only the stages of the nets kept')
        path = os.path.join(self.tmp.name, 'recovered-with-record.pt')
        torch.save(recovered_file(trained, ['E_A', 'T', 'G_B', 'detector']), path)
        out = os.path.join(self.tmp.name, 'from-recovered')
        code, err = export('--weights', path, '--config', TINY, '--out', out)
        self.assertEqual(code, 0)
        self.assertNotIn('warning', err, 'no net of a trained set is reported as untrained')
        with open(os.path.join(out, 'manifest.json')) as f:
            again = json.load(f)
        self.assertEqual(again['training']['stages'], manifest['training']['stages'])
        for w in again['training']['weights']:
            self.assertTrue(w['trained'], w['net'])
            self.assertEqual(w['recoveredFrom'], {'modelId': 'heirloom-test-set', 'file': f'{w["net"]}.pt',
                                                  'sha256': 'ab' * 32, 'trained': True})
        for stage in ('encode', 'map', 'detect'):  # (decode differs: the set had a tone input, the nets kept have none)
            self.assertEqual(again['stages'][stage]['sha256'], self.manifest['stages'][stage]['sha256'], stage)

    def test_refusals(self):
        cfg = load_config(TINY)
        path = os.path.join(self.tmp.name, 'partial.pt')
        torch.save({'E_A': build_models(cfg)['E_A'].state_dict()}, path)
        out = os.path.join(self.tmp.name, 'refused')
        with self.assertRaises(SystemExit) as ctx:
            export('--weights', path, '--config', TINY, '--out', out)
        self.assertIn("['T', 'G_B', 'detector']", str(ctx.exception))
        with self.assertRaises(SystemExit) as ctx:
            export('--weights', path, '--out', out)
        self.assertIn('--config is required', str(ctx.exception))
        final = os.path.join(self.tmp.name, 'cpu-final.pt')
        cpu = load_config(TINY.replace('tiny', 'cpu'))
        torch.save({'nets': {'E_A': build_models(cpu)['E_A'].state_dict()}, 'config': cpu}, final)
        with self.assertRaises(SystemExit) as ctx:
            export('--weights', final, '--config', TINY, '--out', out)
        self.assertIn('other networks', str(ctx.exception))
        self.assertIn('E_A: vae', str(ctx.exception))
        self.assertFalse(os.path.exists(out))

    def export_with(self, tmp, name, key, value):
        """A random-init export of the tiny config with export[key] = value, into tmp/name."""
        cfg = load_config(TINY)
        cfg['export'][key] = value
        path = os.path.join(tmp, f'{name}.json')
        with open(path, 'w') as f:
            json.dump(cfg, f)
        return export('--random-init', '--config', path, '--out', os.path.join(tmp, name))

    def assert_detect_setting_checked(self, key, written, bad):
        """export.<key> reaches the manifest's `detect` as `written` pairs say ((config value, manifest value), None
        for left out), and each of `bad` stops the export naming the setting, before any folder is written."""
        tmp = tempfile.TemporaryDirectory(prefix=f'heirloom-{key}-')
        self.addCleanup(tmp.cleanup)
        for i, (value, want) in enumerate(written):
            self.assertEqual(self.export_with(tmp.name, f'ok{i}', key, value)[0], 0)
            with open(os.path.join(tmp.name, f'ok{i}', 'manifest.json')) as f:
                self.assertEqual(json.load(f)['detect'].get(key), want)
        for value in bad:
            with self.assertRaises(SystemExit) as ctx:
                self.export_with(tmp.name, 'bad', key, value)
            self.assertIn(f'export.{key}', str(ctx.exception))
            self.assertFalse(os.path.exists(os.path.join(tmp.name, 'bad')))

    def test_pyramid_detection_goes_into_the_manifest_checked(self):
        good = {'minSide': 128, 'threshold': 0.95, 'minArea': 200}
        self.assert_detect_setting_checked('pyramid', [(good, good)], (
            {**good, 'minSide': 8}, {**good, 'threshold': 1.5}, {**good, 'minArea': -1}, {**good, 'minArea': 2.5},
            {'minSide': 128, 'threshold': 0.9}))

    def test_detector_mirrors_go_into_the_manifest_checked(self):
        # 1 is the engine's default: left out of the manifest
        self.assert_detect_setting_checked('mirrors', [(2, 2), (4, 4), (1, None)], (3, 0, 'two'))

    def test_networks_from_runs_of_different_configs_merge_when_each_fits(self):
        # the chain from a run whose detector had no context levels, the detector from a run that grew them
        tmp = tempfile.TemporaryDirectory(prefix='heirloom-merge-')
        self.addCleanup(tmp.cleanup)
        plain = load_config(TINY)
        grown = json.loads(json.dumps(plain))
        grown['model']['detect']['context'] = 1
        config = os.path.join(tmp.name, 'tiny-grown.json')
        with open(config, 'w') as f:
            json.dump(grown, f)
        nets = build_models(plain)
        chain = os.path.join(tmp.name, 'chain-final.pt')
        torch.save({'nets': {k: nets[k].state_dict() for k in ('E_A', 'T', 'G_B', 'detector')}, 'config': plain,
                    'training': {'steps': {'joint': 1}}}, chain)
        det = os.path.join(tmp.name, 'detect.pt')
        torch.save({'detector': build_models(grown)['detector'].state_dict()}, det)
        out = os.path.join(tmp.name, 'merged')
        self.assertEqual(export('--weights', f'{chain},{det}', '--config', config, '--out', out)[0], 0)
        with open(os.path.join(out, 'manifest.json')) as f:
            m = json.load(f)
        self.assertEqual(m['stages']['detect']['spatialMultiple'], 2 ** (grown['model']['detect']['depth'] + 1))
        self.assertEqual({w['net']: w['file'] for w in m['training']['weights']},
                         {'E_A': 'chain-final.pt', 'T': 'chain-final.pt', 'G_B': 'chain-final.pt', 'detector': 'detect.pt'})
        self.assertNotIn('tone', m['stages'])  # neither file has a trained tone net
        # the chain file's own detector does not fit the grown config: without the detector file, refused
        with self.assertRaises(SystemExit) as ctx:
            export('--weights', chain, '--config', config, '--out', os.path.join(tmp.name, 'refused2'))
        self.assertIn('detector: detect', str(ctx.exception))


if __name__ == '__main__':
    unittest.main()
