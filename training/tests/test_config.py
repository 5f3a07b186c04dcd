"""training.config: every committed config loads, and a setting no stage reads is refused by name."""
import glob
import json
import os
import tempfile
import unittest

from training.config import DEFAULTS, check_config, load_config, load_config_or_exit

from .helpers import ROOT, TINY


class ConfigTest(unittest.TestCase):
    def test_committed_configs_load(self):
        # the shipped chain's and the tests' configs, and the experiments kept for their figures in training/NOTES.md
        configs = os.path.join(ROOT, 'training', 'configs')
        paths = sorted(glob.glob(os.path.join(configs, '*.json')) + glob.glob(os.path.join(configs, 'experiments', '*.json')))
        self.assertGreater(len(paths), 50)
        for path in paths:
            cfg = load_config(path)
            self.assertIn('joint', cfg['train']['stages'], path)  # merged over the defaults

    def test_values_override_defaults(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'c.json')
            with open(path, 'w') as f:
                json.dump({'loss': {'ssim': 2.0}, 'train': {'stages': {'joint': {'steps': 7}}}}, f)
            cfg = load_config(path)
        self.assertEqual(cfg['loss']['ssim'], 2.0)
        self.assertEqual(cfg['loss']['l1'], 1.0)
        self.assertEqual(cfg['train']['stages']['joint'], {'steps': 7, 'lr_scale': DEFAULTS['train']['stages']['joint']['lr_scale']})

    def test_misspelt_settings_are_named(self):
        cases = {
            'loss.ssmi': {'loss': {'ssmi': 2.0}},
            'model.map.widht': {'model': {'map': {'widht': 96}}},
            'train.stages.jiont': {'train': {'stages': {'jiont': {'steps': 5}}}},
            'train.stages.joint.lr_scal': {'train': {'stages': {'joint': {'lr_scal': 0.2}}}},
            'export.pyramid.minsize': {'export': {'pyramid': {'minsize': 64}}},
            'degrade.strenght': {'degrade': {'strenght': 0.3}},
            'optimiser': {'optimiser': 'sgd'},
        }
        for name, over in cases.items():
            with self.assertRaisesRegex(ValueError, name.replace('.', r'\.') + r'\b'):
                check_config(over)

    def test_too_many_kinds_of_defect_are_named(self):
        with self.assertRaisesRegex(ValueError, r'cfg.json: degrade.p_kinds takes 1 to 13 probabilities .* not 14'):
            check_config({'degrade': {'p_kinds': [0.5] * 14}}, 'cfg.json')
        check_config({'degrade': {'p_kinds': [0.5] * 13, 'wide': True}})

    def test_extra_clean_folders_are_a_list_of_paths(self):
        check_config({'data': {'clean_extra': ['~/.cache/heirloom/clean-extra', '/data/more']}})
        for bad in ('~/.cache/heirloom/clean-extra', [''], [3]):
            with self.assertRaisesRegex(ValueError, r'cfg.json: data.clean_extra is a list of folder paths'):
                check_config({'data': {'clean_extra': bad}}, 'cfg.json')

    def test_snapshot_every_is_a_number_of_steps(self):
        check_config({'train': {'stages': {'joint': {'snapshot_every': 300}}}})
        for bad in ('300', -1, 2.5, True):
            with self.assertRaisesRegex(ValueError, r'cfg.json: train.stages.joint.snapshot_every is a number of steps'):
                check_config({'train': {'stages': {'joint': {'snapshot_every': bad}}}}, 'cfg.json')

    def test_betas_are_two_numbers_below_one(self):
        check_config({'train': {'stages': {'joint': {'betas': [0.9, 0.999]}}}})
        for bad in ([0.9], [0.9, 1.0], [-0.1, 0.99], '0.9,0.999', [True, 0.99], [0.9, None]):
            with self.assertRaisesRegex(ValueError, r"cfg.json: train.stages.joint.betas is Adam's \[beta1, beta2\]"):
                check_config({'train': {'stages': {'joint': {'betas': bad}}}}, 'cfg.json')

    def test_a_loaded_file_names_itself(self):
        with open(TINY) as f:
            over = json.load(f)
        over['data']['crops'] = 64
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'typo.json')
            with open(path, 'w') as f:
                json.dump(over, f)
            with self.assertRaisesRegex(ValueError, 'typo.json: unknown setting data.crops'):
                load_config(path)
        check_config({'export': {'pyramid': None}, 'degrade': {'p_mute': 0.5, 'strength_min': 0.1}})

    def test_broken_files_name_themselves(self):
        with tempfile.TemporaryDirectory() as d:
            for name, text, message in [('trailing.json', '{"loss": {"ssim": 1.0},}', 'trailing.json: not valid JSON'),
                                        ('list.json', '[1, 2]', 'list.json: a config is a JSON object of sections, not a list')]:
                path = os.path.join(d, name)
                with open(path, 'w') as f:
                    f.write(text)
                with self.assertRaisesRegex(ValueError, message):
                    load_config(path)
                with self.assertRaises(SystemExit) as stop:  # the command lines' form: the reason, no traceback
                    load_config_or_exit(path)
                self.assertRegex(str(stop.exception.code), message)


if __name__ == '__main__':
    unittest.main()
