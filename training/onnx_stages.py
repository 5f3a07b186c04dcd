"""The engine's ONNX stages as PyTorch modules: which network each stage holds, the wrapper it is exported from
(and recovered into by training.from_onnx), its inputs and outputs as the manifest states them (the stage contract
of DESIGN.md), and seeded example inputs of awkward sizes for export and parity."""
import torch
from torch import nn

from .nets import apply_tone, latent_context
from .nets.tone import PARAMS as TONE_PARAMS, THUMB
from .stages.models import detect_multiple, latent_channels

STAGE_NET = {'detect': 'detector', 'encode': 'E_A', 'map': 'T', 'decode': 'G_B', 'tone': 'tone'}
# tone last: each stage's parity seed is its index here, and the older stages keep theirs
STAGE_ORDER_EXPORT = ['detect', 'encode', 'map', 'decode', 'tone']


class Detect(nn.Module):
    """detect.onnx: the scratch U-Net with its sigmoid."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        return torch.sigmoid(self.net.logits(image))


class DecodeTone(nn.Module):
    """decode.onnx of a set with a tone stage: the generator, then the photo's tone correction."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, latent, tone):
        return apply_tone(self.net(latent), tone)


def stage_module(stage, nets, tone=False):
    """The module a stage's ONNX file is exported from (and recovered into): the net, or its wrapper."""
    net = nets[STAGE_NET[stage]]
    if stage == 'detect':
        return Detect(net)
    return DecodeTone(net) if stage == 'decode' and tone else net


def stage_specs(cfg, tone=False):
    """name → (net key, input names, output names, manifest input shapes, output shapes, spatial multiple, grey)."""
    c = latent_channels(cfg)
    mult = detect_multiple(cfg)
    map_in, map_shapes = ['latent', 'mask'], {'latent': ['N', c, 'h', 'w'], 'mask': ['N', 1, 'h', 'w']}
    if cfg['model']['map'].get('context'):
        # the whole photo's latent statistics (nets.mapping.latent_context), the same for every tile
        map_in, map_shapes = map_in + ['context'], {**map_shapes, 'context': ['N', 2 * c]}
    return {
        'detect': ('detector', ['image'], ['mask_prob'], {'image': ['N', 1, 'H', 'W']},
                   {'mask_prob': ['N', 1, 'H', 'W']}, mult, True),
        'encode': ('E_A', ['image'], ['latent'], {'image': ['N', 3, 'H', 'W']},
                   {'latent': ['N', c, 'H/4', 'W/4']}, 4, False),
        # map and decode work on any latent size (the non-local block pools with ceil_mode): multiples in latent cells
        'map': ('T', map_in, ['latent_out'], map_shapes,
                {'latent_out': ['N', c, 'h', 'w']}, 1, False),
        'decode': ('G_B', ['latent', 'tone'] if tone else ['latent'], ['image'],
                   {'latent': ['N', c, 'h', 'w'], **({'tone': ['N', TONE_PARAMS]} if tone else {})},
                   {'image': ['N', 3, '4h', '4w']}, 1, False),
        'tone': ('tone', ['thumbnail'], ['tone'], {'thumbnail': ['N', 3, THUMB, THUMB]}, {'tone': ['N', TONE_PARAMS]}, 1, False),
    }


def example_inputs(stage, cfg, seed=0, batch=2, tone=False):
    """Seeded random inputs of awkward (non-square, non-power-of-two) sizes that respect the stage's multiple."""
    g = torch.Generator().manual_seed(1000 + seed * 10 + STAGE_ORDER_EXPORT.index(stage))
    c = latent_channels(cfg)
    mult = detect_multiple(cfg)
    if stage == 'detect':
        return (torch.rand(batch, 1, 5 * mult, 3 * mult, generator=g) * 2 - 1,)
    if stage == 'encode':
        return (torch.rand(batch, 3, 44, 36, generator=g) * 2 - 1,)
    if stage == 'map':
        latent = torch.randn(batch, c, 11, 9, generator=g)
        mask = (torch.rand(batch, 1, 11, 9, generator=g) < 0.2).float()
        mask[-1] = 0  # the last sample is quality-only (all-zero mask)
        if cfg['model']['map'].get('context'):
            # statistics of a larger photo than the tile, as in the engine
            return latent, mask, latent_context(torch.randn(batch, c, 23, 17, generator=g) * 1.5 + 0.3)
        return latent, mask
    if stage == 'decode':
        latent = torch.randn(batch, c, 11, 9, generator=g)
        # a strong correction, so parity checks the tone arithmetic and not an identity
        return (latent, torch.randn(batch, TONE_PARAMS, generator=g) * 0.2) if tone else (latent,)
    if stage == 'tone':
        return (torch.rand(batch, 3, THUMB, THUMB, generator=g) * 2 - 1,)
    raise ValueError(stage)
