"""Network shapes at the sizes the engine feeds (odd multiples of each
stage's spatial multiple), the partial non-local rule (only defect positions
change), and tile independence (no per-image statistics anywhere)."""
import unittest

import torch

from training.config import load_config
from training.onnx_stages import stage_specs
from training.nets import Encoder, Generator, Mapping, PartialNonLocal, ScratchUNet, latent_context
from training.nets.blocks import count_macs_per_pixel
from training.stages import build_models
from training.tests.helpers import TINY
from training.train import load_grown

torch.set_num_threads(1)


class NetsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.cfg = load_config(TINY)
        cls.nets = {k: v.eval() for k, v in build_models(cls.cfg).items()}
        cls.c = cls.cfg['model']['vae']['latent']
        cls.specs = stage_specs(cls.cfg)

    def test_encoder_generator_round_trip_shapes(self):
        mult = self.specs['encode'][5]
        for lh, lw in [(4, 4), (5, 7), (9, 13)]:
            h, w = lh * mult, lw * mult
            with torch.no_grad():
                z = self.nets['E_A'](torch.rand(2, 3, h, w) * 2 - 1)
                self.assertEqual(tuple(z.shape), (2, self.c, h // 4, w // 4))
                img = self.nets['G_B'](z)
            self.assertEqual(tuple(img.shape), (2, 3, h, w))
            self.assertLessEqual(img.abs().max().item(), 1.0)

    def test_mapping_keeps_the_latent_shape(self):
        for lh, lw in [(4, 4), (5, 7), (11, 9), (17, 6)]:  # not multiples of the attention's pooling
            z = torch.randn(1, self.c, lh, lw)
            m = (torch.rand(1, 1, lh, lw) < 0.3).float()
            with torch.no_grad():
                out = self.nets['T'](z, m, latent_context(z))
            self.assertEqual(out.shape, z.shape)
            self.assertTrue(torch.isfinite(out).all())

    def test_photo_context_is_mean_and_population_std(self):
        z = torch.tensor([[[[1., 2.], [3., 4.]], [[-5., -5.], [-5., -5.]]]])
        torch.testing.assert_close(latent_context(z), torch.tensor([[2.5, -5., 1.25 ** 0.5, 0.]]))

    def test_context_mapping_grows_from_one_without(self):
        plain = Mapping(self.c, [16], 1, 1, 4, 1).eval()
        grown = Mapping(self.c, [16], 1, 1, 4, 1, context=True).eval()
        self.assertEqual(load_grown(grown, plain.state_dict()), ['ctx'])
        z = torch.randn(1, self.c, 9, 7)
        m = (torch.rand(1, 1, 9, 7) < 0.3).float()
        with torch.no_grad():
            torch.testing.assert_close(grown(z, m, latent_context(z)), plain(z, m), rtol=0, atol=0)
            with self.assertRaisesRegex(ValueError, 'needs the photo context'):
                grown(z, m)
            torch.nn.init.normal_(grown.ctx[-1].weight, std=0.1)
            ctx = latent_context(z)
            self.assertFalse(torch.allclose(grown(z, m, ctx), grown(z, m, ctx * 2)), 'the context changes the output')
        with self.assertRaises(SystemExit):  # weights with a module the net does not have are refused
            load_grown(plain, grown.state_dict())
        with self.assertRaises(SystemExit):  # and missing weights outside the grown modules too
            load_grown(grown, {k: v for k, v in plain.state_dict().items() if not k.startswith('after_NL')})

    def test_detail_band_starts_as_the_identity(self):
        cfg = load_config(TINY)
        cfg['model']['vae']['detail'] = True
        nets = {k: v.eval() for k, v in build_models(cfg).items()}
        x = torch.rand(2, 3, 44, 36) * 2 - 1
        m = (torch.rand(2, 1, 11, 9) < 0.3).float()
        with torch.no_grad():
            z = nets['E_A'](x)
            self.assertEqual(z.shape[1], cfg['model']['vae']['latent'] + 48)
            torch.testing.assert_close(z[:, -48:], torch.nn.functional.pixel_unshuffle(x, 4), rtol=0, atol=0)
            torch.testing.assert_close(nets['G_B'](nets['T'](z, m, latent_context(z))), x, rtol=0, atol=0)
        # the learned parts are there to train: one step moves the output off the identity
        loss = (nets['G_B'](nets['T'](z, m, latent_context(z))) - x.flip(-1)).abs().mean()
        loss.backward()
        self.assertGreater(sum(p.grad.abs().sum().item() for p in nets['G_B'].parameters() if p.grad is not None), 0)

    def test_refinement_head_grows_without_changing_the_output(self):
        plain = Generator(8, 8, 1, detail=True).eval()
        torch.nn.init.normal_(plain.decoder[-1].weight, std=0.05)  # a trained generator: its correction is not zero
        grown = Generator(8, 8, 1, detail=True, refine=4).eval()
        self.assertEqual(load_grown(grown, plain.state_dict()), ['refine'])
        z = torch.randn(2, 8 + 48, 5, 7)
        with torch.no_grad():
            torch.testing.assert_close(grown(z), plain(z), rtol=0, atol=0)
            self.assertEqual(tuple(grown(z).shape), (2, 3, 20, 28))
        loss = (grown(z) - 0.3).abs().mean()
        loss.backward()
        self.assertGreater(grown.refine[-1].weight.grad.abs().sum().item(), 0, 'the zero conv gets gradients')
        with self.assertRaisesRegex(ValueError, 'needs model.vae.detail'):
            Generator(8, 8, 1, detail=False, refine=4)
        with self.assertRaisesRegex(ValueError, 'at least 1'):
            Generator(8, 8, 1, detail=True, refine=4, refine_depth=0)
        deep = Generator(8, 8, 1, detail=True, refine=4, refine_depth=3)
        self.assertEqual(sum(isinstance(m, torch.nn.Conv2d) for m in deep.refine), 4)
        cfg = load_config(TINY)
        cfg['model']['vae'].update(detail=True, refine=4)
        self.assertIsNotNone(build_models(cfg)['G_B'].refine)
        self.assertIsNone(build_models(cfg)['G_A'].refine, 'only the restoring generator has the head')

    def test_partial_non_local_changes_only_defect_positions(self):
        nl = PartialNonLocal(16, pool=4, n_res=1).eval()
        x = torch.randn(1, 16, 11, 9)
        m = torch.zeros(1, 1, 11, 9)
        m[..., 3:6, 2:5] = 1
        with torch.no_grad():
            y = nl(x, m)
            self.assertTrue(torch.equal(y * (1 - m), x * (1 - m)))
            self.assertFalse(torch.allclose(y * m, x * m))
            self.assertTrue(torch.equal(nl(x, torch.zeros_like(m)), x), 'an all-zero mask makes the block an identity')

    def test_detector_probabilities_at_its_multiples(self):
        mult = self.specs['detect'][5]
        self.assertEqual(mult, 2 ** self.cfg['model']['detect']['depth'])
        for a, b in [(4, 4), (5, 3), (7, 9)]:
            with torch.no_grad():
                p = self.nets['detector'](torch.rand(1, 1, a * mult, b * mult) * 2 - 1)
            self.assertEqual(tuple(p.shape), (1, 1, a * mult, b * mult))
            self.assertGreaterEqual(p.min().item(), 0.0)
            self.assertLessEqual(p.max().item(), 1.0)

    def test_outputs_depend_only_on_the_receptive_field(self):
        """No normalisation layers: the centre of a crop matches the same region of the whole image (what lets
        the engine tile a large scan without seams)."""
        enc = Encoder(8, 8, 1).eval()
        x = torch.rand(1, 3, 96, 96) * 2 - 1
        with torch.no_grad():
            whole = enc(x)
            crop = enc(x[..., 16:80, 16:80])
        # 7×7 conv + two stride-2 convs + one res block: the receptive field is under 10 latent cells… keep 5 away
        torch.testing.assert_close(crop[..., 6:10, 6:10], whole[..., 10:14, 10:14])

    def test_paper_sized_networks_build(self):
        cfg = load_config(TINY)
        cfg['model'] = load_config(TINY.replace('tiny', 'paper'))['model']
        v, m = cfg['model']['vae'], cfg['model']['map']
        self.assertEqual(Encoder(v['width'], v['latent'], v['n_res']).encoder[0].__class__.__name__, 'ReflectionPad2d')
        t = Mapping(v['latent'], m['widths'], m['n_res_before'], m['n_res_after'], m['pool'], m['nl_res'])
        self.assertGreater(sum(p.numel() for p in t.parameters()), 1e7)

    def test_macs_are_counted(self):
        g = Generator(8, 8, 1)
        self.assertGreater(count_macs_per_pixel(g, torch.zeros(1, 8, 8, 8)), 0)
        self.assertGreater(count_macs_per_pixel(ScratchUNet(4, 2), torch.zeros(1, 1, 16, 16)), 0)



class ImageLossTest(unittest.TestCase):
    def test_mse_weight_adds_its_share_and_zero_adds_nothing(self):
        from training import losses as L
        g = torch.Generator().manual_seed(0)
        pred, target = torch.rand(2, 3, 24, 24, generator=g) * 2 - 1, torch.rand(2, 3, 24, 24, generator=g) * 2 - 1
        base = L.image_loss(pred, target, 1.0, 0.5)
        self.assertTrue(torch.equal(L.image_loss(pred, target, 1.0, 0.5, 0.0), base))
        mse = float(((pred - target) ** 2).mean())
        self.assertAlmostEqual(float(L.image_loss(pred, target, 1.0, 0.5, 5.0)), float(base) + 5 * mse, places=5)
        self.assertAlmostEqual(float(L.image_loss(pred, target, 0.0, 0.0, 1.0)), mse, places=6)


if __name__ == '__main__':
    unittest.main()
