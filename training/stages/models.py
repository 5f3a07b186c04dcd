"""Builds every network of an experiment from its config."""
from torch import nn

from ..nets.vae import BAND
from ..nets import Encoder, Generator, LatentD, Mapping, MultiScalePatchD, ScratchUNet, ToneNet, latent_context
from ..nets.detector import UnionDetector


def latent_channels(cfg: dict) -> int:
    """Channels of the latent the stages exchange: the learned code, plus the detail band when on."""
    v = cfg['model']['vae']
    return v['latent'] + (BAND if v.get('detail') else 0)


def detect_multiple(cfg: dict) -> int:
    """The detector's input sides must be multiples of this (one per halving, context levels included)."""
    d = cfg['model']['detect']
    return max(2 ** (n['depth'] + n.get('context', 0)) for n in (d, d.get('thin', d)))


def build_detector(d: dict):
    """The scratch detector of `model.detect`; with a `thin` section, the union of it and a thin-damage detector,
    each at its own threshold (`thresholds`: [general, thin]), the thin one's marks kept to `thin_width` px."""
    def one(n):
        return ScratchUNet(n['width'], n['depth'], n.get('context', 0), n.get('tophat', False))
    if 'thin' not in d:
        return one(d)
    return UnionDetector(one(d), one(d['thin']), tuple(d['thresholds']), d.get('thin_width', 0))


def build_models(cfg: dict) -> dict:
    v, m, d = cfg['model']['vae'], cfg['model']['map'], cfg['model']['detect']
    c, det, ref = latent_channels(cfg), bool(v.get('detail')), v.get('refine', 0)
    nets = {
        'E_A': Encoder(v['width'], v['latent'], v['n_res'], detail=det),
        'G_A': Generator(v['width'], v['latent'], v['n_res'], detail=det),
        'E_B': Encoder(v['width'], v['latent'], v['n_res'], detail=det),
        'G_B': Generator(v['width'], v['latent'], v['n_res'], detail=det, refine=ref,
                         refine_depth=v.get('refine_depth', 2)),
        'T': Mapping(c, m['widths'], m['n_res_before'], m['n_res_after'], m['pool'], m['nl_res'],
                     m.get('context', False)),
        'detector': build_detector(d),
        'tone': ToneNet(cfg['model'].get('tone', {}).get('width', 24)),  # configs stored before the tone stage have none
        'D_A': MultiScalePatchD(3, 32, 3, 2),
        'D_B': MultiScalePatchD(3, 32, 3, 2),
        'D_lat': LatentD(c, 64),
        'D_map': MultiScalePatchD(3, 32, 3, 2),
    }
    if det:  # with the detail band the whole chain starts as the identity: restoring begins from the photo
        last = nets['T'].after_NL[-1]  # conv() is unpacked into after_NL, so this is the output Conv2d
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
    return nets


def restore_chain(nets: dict, x, m_lat):
    """E_A → T → G_B on photos x [N,3,H,W] with the latent-scale mask, T given the photo context (a mapping built
    without context ignores it): the restoration the engine runs, for validation and the tone bank."""
    z = nets['E_A'](x)
    return nets['G_B'](nets['T'](z, m_lat, latent_context(z)))


# modules a net may have gained since older weights were saved (each starts as the identity): `--init`
# accepts weights without them, and a stage's `lr_grown` gives them their own learning-rate multiple
GROWN_MODULES = ('ctx.', 'refine.')

# which networks each stage trains (the rest it uses frozen, or not at all)
TRAINS = {
    'vae_a': ['E_A', 'G_A'], 'vae_b': ['E_B', 'G_B'], 'map': ['T'],
    'joint': ['E_A', 'T', 'G_B'], 'tone': ['tone'], 'detect': ['detector'],
}
CRITICS = {'vae_a': ['D_A', 'D_lat'], 'vae_b': ['D_B'], 'map': ['D_map'], 'joint': [], 'tone': [], 'detect': []}
