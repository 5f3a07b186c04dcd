"""Exact resume: a tiny run trained straight through and one stopped by
SIGTERM in the middle of a stage, then resumed with --resume, end with
bit-identical weights (models, critics, optimisers, scheduler, RNG and data
order all restored)."""
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

import torch

from training import train
from training.average import main as average_main
from training.export import main as export_main
from training.from_onnx import recover
from training.stages import runner
from training.stages.state import StopFlag
from training.tests.helpers import ROOT, TINY, write_dataset


class SelfStop(StopFlag):
    """The trainer's stop flag, which sends this process SIGTERM when it is read for the `at`-th time
    (the trainer reads it once per step): the real signal handler then stops the run."""
    at = None

    def __init__(self):
        self._sig, self._reads = None, 0
        super().__init__()

    @property
    def signal(self):
        self._reads += 1
        if self._reads == SelfStop.at:
            os.kill(os.getpid(), signal.SIGTERM)
            deadline = time.time() + 5
            while self._sig is None and time.time() < deadline:
                time.sleep(0.001)  # the handler runs between bytecodes of the main thread
        return self._sig

    @signal.setter
    def signal(self, value):
        self._sig = value


def run(args, stop_at=None):
    SelfStop.at = stop_at
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with mock.patch.object(train, 'StopFlag', SelfStop), contextlib.redirect_stdout(io.StringIO()) as out:
            code = train.main(args)
    finally:
        for s, h in saved.items():
            signal.signal(s, h)
    return code, out.getvalue()


class TrainRunCase(unittest.TestCase):
    """A temp folder with generated data, and helpers to run the trainer in it."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='heirloom-resume-')
        self.data = write_dataset(os.path.join(self.tmp.name, 'data'))
        torch.set_num_threads(1)

    def tearDown(self):
        self.tmp.cleanup()

    def args(self, run_dir, *extra):
        return ['--config', TINY, '--data-root', self.data, '--run-dir', os.path.join(self.tmp.name, run_dir),
                '--threads', '1', *extra]

    def load(self, run_dir, name):
        return torch.load(os.path.join(self.tmp.name, run_dir, *name), map_location='cpu', weights_only=False)



class ResumeTest(TrainRunCase):
    def assert_same_nets(self, a, b):
        self.assertEqual(sorted(a), sorted(b))
        for net in a:
            for key, ta in a[net].items():
                self.assertTrue(torch.equal(ta, b[net][key]), f'{net}.{key} differs after resume')

    def test_stop_and_resume_gives_identical_weights(self):
        code, _ = run(self.args('straight'))
        self.assertEqual(code, 0)
        # tiny: vae_a 4, vae_b 4, map 4 steps; the trainer reads the stop flag once per step. First stop: the 6th
        # read, vae_b step 2 (latent noise: the RNG matters); second, after resuming: map step 2 (a critic's optimiser)
        code, log = run(self.args('stopped'), stop_at=6)
        self.assertEqual(code, 130)
        self.assertIn('stopped by signal 15 at vae_b step 2', log)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, 'stopped', 'weights', 'final.pt')))
        # this run's clock runs 1000 s per reading, so the wall time a stop saves is unmistakable below
        fast = mock.Mock(wraps=time, time=mock.Mock(side_effect=lambda n=iter(range(1, 10 ** 6)): time.time() + 1000 * next(n)))
        with mock.patch.object(train, 'time', fast):
            code, log = run(self.args('stopped', '--resume'), stop_at=4)
        self.assertEqual(code, 130)
        self.assertIn('at vae_b step 2', log)
        self.assertIn('stopped by signal 15 at map step 2', log)
        stopped_in_map = self.load('stopped', ('ckpt', 'latest.pt'))['state']['stage_seconds']
        self.assertGreaterEqual(stopped_in_map, 1000)
        code, log = run(self.args('stopped', '--resume'))
        self.assertEqual(code, 0)
        self.assertIn('resumed from', log)
        self.assertIn('at map step 2', log)
        self.assert_same_nets(self.load('straight', ('weights', 'final.pt'))['nets'],
                              self.load('stopped', ('weights', 'final.pt'))['nets'])
        a, b = self.load('straight', ('ckpt', 'latest.pt')), self.load('stopped', ('ckpt', 'latest.pt'))
        self.assert_same_nets(a['nets'], b['nets'])  # critics and frozen nets too
        self.assertEqual(a['state']['steps'], b['state']['steps'])
        final = self.load('stopped', ('weights', 'final.pt'))
        self.assertEqual(final['training']['steps'], {'vae_a': 4, 'vae_b': 4, 'map': 4, 'joint': 3, 'tone': 3, 'detect': 4})
        # the wall time spent before a stop counts too (it used to be dropped on resume)
        self.assertGreater(final['training']['seconds']['map'], stopped_in_map)


class StartMethodTest(TrainRunCase):
    def test_spawned_loader_workers_give_the_batches_forked_ones_do(self):
        """Windows has no fork: loader workers are spawned there, each with a pickled copy of the dataset."""
        with open(TINY) as f:
            cfg = json.load(f)
        cfg['train'].update(workers=1)
        cfg['train']['stages'] = {'vae_b': {'steps': 3}}
        path = os.path.join(self.tmp.name, 'workers.json')
        with open(path, 'w') as f:
            json.dump(cfg, f)
        nets = {}
        for method in ('fork', 'spawn'):
            with mock.patch.object(runner, 'START_METHOD', method):
                code, log = run(['--config', path, '--data-root', self.data, '--threads', '1', '--stage', 'vae_b',
                                 '--run-dir', os.path.join(self.tmp.name, method)])
            self.assertEqual(code, 0, log)
            nets[method] = self.load(method, ('weights', 'final.pt'))['nets']
        for key, t in nets['fork']['G_B'].items():
            self.assertTrue(torch.equal(t, nets['spawn']['G_B'][key]), key)


class ProcessGroupSignalTest(TrainRunCase):
    def test_sigterm_to_the_whole_group_still_saves_a_checkpoint(self):
        """Ctrl-C in a terminal (or a service manager stopping the run) signals data-loader workers too."""
        with open(TINY) as f:
            cfg = json.load(f)
        cfg['train'].update(workers=1, ckpt_every_s=3600)
        cfg['train']['stages']['vae_a'] = {'steps': 100000}
        path = os.path.join(self.tmp.name, 'workers.json')
        with open(path, 'w') as f:
            json.dump(cfg, f)
        run_dir = os.path.join(self.tmp.name, 'group')
        proc = subprocess.Popen([sys.executable, '-m', 'training.train', '--config', path, '--data-root', self.data,
                                 '--run-dir', run_dir, '--threads', '1'], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            lines = []
            for line in proc.stdout:
                lines.append(line)
                if '[vae_a] step 4/' in line:
                    os.killpg(proc.pid, signal.SIGTERM)
                    break
            rest = proc.communicate(timeout=60)[0]
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        log = ''.join(lines) + rest
        self.assertEqual(proc.returncode, 130, log)
        self.assertIn('stopped by signal 15 at vae_a step', log)
        ck = torch.load(os.path.join(run_dir, 'ckpt', 'latest.pt'), map_location='cpu', weights_only=False)
        self.assertGreaterEqual(ck['state']['step'], 4)

    def test_an_error_with_loader_workers_running_exits_instead_of_hanging(self):
        """Workers ignore SIGTERM (above), which made multiprocessing's exit handler wait for them forever."""
        with open(TINY) as f:
            cfg = json.load(f)
        cfg['train']['workers'] = 1
        path = os.path.join(self.tmp.name, 'crash.json')
        with open(path, 'w') as f:
            json.dump(cfg, f)
        script = ('import sys\n'
                  'from training import train\n'
                  'from training.stages import steps\n'
                  'def broken(*a, **k):\n'
                  '    raise RuntimeError("a bug in a training step")\n'
                  'steps.STEPS["vae_a"] = broken\n'
                  'sys.exit(train.main(sys.argv[1:]))\n')
        proc = subprocess.Popen([sys.executable, '-c', script, '--config', path, '--data-root', self.data,
                                 '--run-dir', os.path.join(self.tmp.name, 'crash'), '--threads', '1'], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            log = proc.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            self.fail('the trainer hung after an error')
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('a bug in a training step', log)


class FineTuneFromShippedTest(TrainRunCase):
    """Going on from exported ONNX stages: recover the weights, then a joint stage narrowed to T with no E_B
    term (the shipped set carries no E_B) changes T and nothing else."""

    def config(self, **joint):
        with open(TINY) as f:
            cfg = json.load(f)
        cfg['loss'] = {'joint_latent': 0.0}
        cfg['train']['stages']['joint'] = dict(cfg['train']['stages']['joint'], **joint)
        path = os.path.join(self.tmp.name, 'ft.json')
        with open(path, 'w') as f:
            json.dump(cfg, f)
        return path

    def test_t_only_fine_tune_from_onnx(self):
        models = os.path.join(self.tmp.name, 'models')
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(export_main(['--random-init', '--config', TINY, '--out', models]), 0)
        shipped, _ = recover(models)
        init = os.path.join(self.tmp.name, 'joint.pt')  # named like a stage file: --stage joint still trains
        torch.save({k: shipped[k] for k in ('E_A', 'T', 'G_B')}, init)
        args = ['--config', self.config(nets=['T']), '--data-root', self.data, '--threads', '1',
                '--run-dir', os.path.join(self.tmp.name, 'ft'), '--stage', 'joint', '--init', init]
        code, log = run(args)
        self.assertEqual(code, 0, log)
        tuned = self.load('ft', ('weights', 'final.pt'))['nets']
        for net in ('E_A', 'G_B'):
            for key, t in shipped[net].items():
                self.assertTrue(torch.equal(t, tuned[net][key]), f'{net}.{key} changed')
        self.assertTrue(any(not torch.equal(t, tuned['T'][k]) for k, t in shipped['T'].items()), 'T did not train')

    def test_a_finished_run_goes_on_from_its_final_pt(self):
        """--init takes a run's final.pt as it is (networks under 'nets', with config and training record)."""
        first = ['--config', self.config(nets=['T']), '--data-root', self.data, '--threads', '1', '--stage', 'joint']
        code, log = run(first + ['--run-dir', os.path.join(self.tmp.name, 'one')])
        self.assertEqual(code, 0, log)
        final = os.path.join(self.tmp.name, 'one', 'weights', 'final.pt')
        ck = torch.load(final, weights_only=False)
        marked = {k: t * 1.01 for k, t in ck['nets']['E_A'].items()}  # frozen in this stage: must come back as saved
        ck['nets']['E_A'] = marked
        torch.save(ck, final)
        code, log = run(first + ['--run-dir', os.path.join(self.tmp.name, 'two'), '--init', final])
        self.assertEqual(code, 0, log)
        self.assertIn("initialised ['E_A', 'G_B', 'T', 'detector'] from", log)
        two = self.load('two', ('weights', 'final.pt'))['nets']
        self.assertTrue(all(torch.equal(t, two['E_A'][k]) for k, t in marked.items()), 'E_A is the one in final.pt')
        self.assertTrue(any(not torch.equal(t, two['T'][k]) for k, t in ck['nets']['T'].items()), 'T trained on')

    def test_snapshots_along_a_stage_average_into_its_tail(self):
        """snapshot_every keeps the trained nets every few steps; training.average takes them by pattern."""
        args = ['--config', self.config(nets=['T'], snapshot_every=1), '--data-root', self.data, '--threads', '1',
                '--run-dir', os.path.join(self.tmp.name, 'snap'), '--stage', 'joint']
        code, log = run(args)
        self.assertEqual(code, 0, log)
        snaps = os.path.join(self.tmp.name, 'snap', 'snapshots')
        self.assertEqual(sorted(os.listdir(snaps)), ['joint-000001.pt', 'joint-000002.pt', 'joint-000003.pt'])
        first, last = (self.load('snap', ('snapshots', f'joint-00000{i}.pt')) for i in (1, 3))
        self.assertEqual(set(first['nets']), {'T'}, 'a snapshot holds what the stage trains')
        self.assertEqual((first['training']['steps'], last['training']['steps']), ({'joint': 1}, {'joint': 3}))
        final = self.load('snap', ('weights', 'final.pt'))['nets']['T']
        self.assertTrue(all(torch.equal(t, final[k]) for k, t in last['nets']['T'].items()), 'the last step is the end')
        self.assertTrue(any(not torch.equal(t, final[k]) for k, t in first['nets']['T'].items()))
        out = os.path.join(self.tmp.name, 'tail.pt')
        with contextlib.redirect_stdout(io.StringIO()):
            average_main(['--weights', os.path.join(snaps, 'joint-00000[23].pt'), '--out', out, '--nets', 'T'])
        tail = torch.load(out, weights_only=False)
        self.assertEqual([a['file'] for a in tail['training']['averagedFrom']],
                         [os.path.join(snaps, 'joint-000002.pt'), os.path.join(snaps, 'joint-000003.pt')])
        mid = self.load('snap', ('snapshots', 'joint-000002.pt'))['nets']['T']
        for k, t in tail['nets']['T'].items():
            self.assertTrue(torch.allclose(t, (mid[k] + final[k]) / 2, atol=1e-6), k)
        with self.assertRaisesRegex(SystemExit, 'no weight files match'):
            average_main(['--weights', os.path.join(snaps, 'vae_a-*.pt'), '--out', out])

    def test_a_stage_config_sets_adams_betas(self):
        """`betas` reaches the stage's optimiser (its checkpoint state says so); other stages keep the paper's."""
        args = ['--config', self.config(nets=['T'], betas=[0.9, 0.99]), '--data-root', self.data, '--threads', '1',
                '--run-dir', os.path.join(self.tmp.name, 'b'), '--stage', 'joint']
        code, log = run(args, stop_at=2)
        self.assertEqual(code, 130, log)
        groups = self.load('b', ('ckpt', 'latest.pt'))['state']['optim']['g']['param_groups']
        self.assertEqual([tuple(g['betas']) for g in groups], [(0.9, 0.99)])
        args[1] = TINY
        args[-3] = os.path.join(self.tmp.name, 'plain')
        code, log = run(args, stop_at=2)
        self.assertEqual(code, 130, log)
        groups = self.load('plain', ('ckpt', 'latest.pt'))['state']['optim']['g']['param_groups']
        self.assertEqual([tuple(g['betas']) for g in groups], [(0.5, 0.999)])

    def test_a_stage_cannot_be_told_to_train_what_it_does_not(self):
        args = ['--config', self.config(nets=['T', 'detector']), '--data-root', self.data, '--threads', '1',
                '--run-dir', os.path.join(self.tmp.name, 'bad'), '--stage', 'joint']
        with self.assertRaises(SystemExit) as ctx:
            run(args)
        self.assertIn("['detector'] are not trained by joint", str(ctx.exception))

    def test_the_tone_stage_runs_only_where_a_config_lists_it(self):
        with open(self.config()) as f:
            cfg = json.load(f)
        del cfg['train']['stages']['tone']
        path = os.path.join(self.tmp.name, 'no-tone.json')
        with open(path, 'w') as f:
            json.dump(cfg, f)
        with self.assertRaises(SystemExit) as ctx:
            run(['--config', path, '--data-root', self.data, '--threads', '1', '--run-dir', os.path.join(self.tmp.name, 'nt'),
                 '--stage', 'tone'])
        self.assertIn('the config has no train.stages.tone', str(ctx.exception))
        code, log = run(['--config', path, '--data-root', self.data, '--threads', '1', '--run-dir', os.path.join(self.tmp.name, 'all')])
        self.assertEqual(code, 0, log)
        self.assertNotIn('[tone]', log)
        self.assertNotIn('tone', self.load('all', ('weights', 'final.pt'))['nets'])


if __name__ == '__main__':
    unittest.main()
