"""training.widen: the widened mapping computes what the narrow one did, and its new channels can learn."""
import json
import os
import tempfile
import unittest

import torch

from training import widen
from training.nets import ScratchUNet, latent_context
from training.stages import build_models
from training.validate import load_nets

from .helpers import save_chain, tiny_chain


def _perturbed(net, seed):
    """Random non-zero weights everywhere (the identity initialisation would hide misplaced rows)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return net


def _inputs(channels, seed=1):
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(2, channels, 12, 10, generator=g)
    mask = (torch.rand(2, 1, 12, 10, generator=g) < 0.3).float()
    return z, mask, latent_context(z)


class WidenTest(unittest.TestCase):
    def setUp(self):
        self.cfg, self.nets = tiny_chain()
        self.old = _perturbed(self.nets['T'], 0).eval()
        self.wide_cfg = json.loads(json.dumps(self.cfg))
        self.wide_cfg['model']['map']['widths'] = [24]

    def widened(self):
        wide = build_models(self.wide_cfg)['T']
        wide.load_state_dict(widen.widen_mapping(self.old.state_dict(), self.old, wide))
        return wide.eval()

    def test_same_function(self):
        wide = self.widened()
        self.assertEqual(wide.top, 24)
        z, mask, ctx = _inputs(self.old.latent)
        with torch.no_grad():
            a, b = self.old(z, mask, ctx), wide(z, mask, ctx)
        self.assertGreater(float((a - z).abs().max()), 0.1)  # the old net does something to compare
        # equal up to float32 rounding: the wider convolutions sum extra zero terms in another order
        self.assertLess(float((a - b).abs().max()), 1e-6 * float(a.abs().max()))

    def test_new_channels_learn(self):
        wide = self.widened().train()
        z, mask, ctx = _inputs(self.old.latent, 2)
        wide(z, mask, ctx).pow(2).mean().backward()
        last = wide.after_NL[-1].weight.grad  # reads the hidden channels: the new ones' columns start at zero
        self.assertGreater(float(last[:, 16:].abs().max()), 0)

    def test_cli_writes_init_file(self):
        with tempfile.TemporaryDirectory() as d:
            src = save_chain(os.path.join(d, 'narrow.pt'), self.nets, self.cfg)
            cfg_path = os.path.join(d, 'wide.json')
            with open(cfg_path, 'w') as f:
                json.dump(self.wide_cfg, f)
            out = os.path.join(d, 'wide.pt')
            widen.main(['--weights', src, '--config', cfg_path, '--out', out])
            wide_nets, _ = load_nets(f'{out}:{cfg_path}')
            self.assertEqual(wide_nets['T'].top, 24)
            for k in ('E_A', 'G_B'):  # carried along unchanged
                for name, t in self.nets[k].state_dict().items():
                    self.assertTrue(torch.equal(t, wide_nets[k].state_dict()[name]))

    def test_refuses_other_changes(self):
        other = json.loads(json.dumps(self.wide_cfg))
        other['model']['map']['n_res_after'] += 1
        with self.assertRaisesRegex(SystemExit, 'more than the mapping'):
            widen._check_only_sizes_differ(self.cfg['model'], other['model'])


class GrowHeadTest(unittest.TestCase):
    """A trained refinement head grown wider and deeper decodes exactly as before, and its new parts learn."""

    def setUp(self):
        self.cfg, _ = tiny_chain()
        self.cfg['model']['vae'].update(detail=True, refine=4)
        self.old = _perturbed(build_models(self.cfg)['G_B'], 3).eval()
        self.big_cfg = json.loads(json.dumps(self.cfg))
        self.big_cfg['model']['vae'].update(refine=6, refine_depth=4)

    def grown(self, cfg=None):
        torch.manual_seed(0)
        big = build_models(cfg or self.big_cfg)['G_B']
        big.load_state_dict(widen.grow_head(self.old.state_dict(), self.old, big))
        return big.eval()

    def test_same_function(self):
        big = self.grown()
        self.assertEqual(len(widen._head_convs(big)), 5)
        z = torch.randn(2, self.cfg['model']['vae']['latent'] + 48, 6, 5, generator=torch.Generator().manual_seed(4))
        with torch.no_grad():
            a, b = self.old(z), big(z)
            head = self.old.refine(torch.cat([torch.zeros_like(a), torch.zeros(2, self.old.decoder[-1].in_channels,
                                                                               24, 20)], 1))
        self.assertGreater(float(head.abs().max()), 0.01)  # the old head adds something to keep
        self.assertLess(float((a - b).abs().max()), 1e-5)

    def test_new_parts_learn(self):
        big = self.grown().train()
        z = torch.randn(2, self.cfg['model']['vae']['latent'] + 48, 6, 5)
        (big(z) - 0.2).pow(2).mean().backward()
        convs = [big.refine[int(n)] for n in widen._head_convs(big)]
        self.assertGreater(float(convs[-1].weight.grad[:, 4:].abs().max()), 0, 'the new channels\' zero columns')
        self.assertGreater(float(convs[2].weight.grad.abs().max()), 0, 'an identity layer')

    def test_refuses_a_smaller_head(self):
        small = json.loads(json.dumps(self.cfg))
        small['model']['vae']['refine'] = 2
        with self.assertRaisesRegex(SystemExit, 'smaller than the old'):
            self.grown(small)

    def test_configs_may_differ_in_the_head(self):
        widen._check_only_sizes_differ(self.cfg['model'], self.big_cfg['model'])
        other = json.loads(json.dumps(self.big_cfg))
        other['model']['vae']['n_res'] += 1
        with self.assertRaisesRegex(SystemExit, 'more than'):
            widen._check_only_sizes_differ(self.cfg['model'], other['model'])


if __name__ == '__main__':
    unittest.main()


class WidenDetectorTest(unittest.TestCase):
    """A wider scratch U-Net grown from a trained one: same logits, and the new channels get gradients."""

    def grown(self, context):
        old = _perturbed(ScratchUNet(4, 3, context), 3).eval()
        wide = ScratchUNet(6, 3, context)
        wide.load_state_dict(widen.widen_detector(old.state_dict(), old, wide))
        return old, wide.eval()

    def test_same_function(self):
        for context in (0, 1):
            old, wide = self.grown(context)
            x = torch.randn(2, 1, 32, 48, generator=torch.Generator().manual_seed(context))
            with torch.no_grad():
                a, b = old.logits(x), wide.logits(x)
            # skip channels move in the decoder's concatenation: a misplaced one changes the logits by far more
            self.assertLess(float((a - b).abs().max()), 1e-5 * float(a.abs().max()), f'context {context}')

    def test_new_channels_learn(self):
        _, wide = self.grown(0)
        wide.train().logits(torch.randn(1, 1, 32, 32)).pow(2).mean().backward()
        self.assertGreater(float(wide.out.weight.grad[:, 4:].abs().max()), 0)

    def test_only_the_width_may_differ(self):
        with self.assertRaisesRegex(SystemExit, 'differ in more than their width'):
            widen.widen_detector({}, ScratchUNet(4, 3), ScratchUNet(6, 2))
