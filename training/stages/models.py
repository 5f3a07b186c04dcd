"""Builds every network of an experiment from its config."""
from ..nets import Encoder, Generator, LatentD, Mapping, MultiScalePatchD, ScratchUNet


def build_models(cfg: dict) -> dict:
    v, m, d = cfg['model']['vae'], cfg['model']['map'], cfg['model']['detect']
    return {
        'E_A': Encoder(v['width'], v['latent'], v['n_res']),
        'G_A': Generator(v['width'], v['latent'], v['n_res']),
        'E_B': Encoder(v['width'], v['latent'], v['n_res']),
        'G_B': Generator(v['width'], v['latent'], v['n_res']),
        'T': Mapping(v['latent'], m['widths'], m['n_res_before'], m['n_res_after'], m['pool'], m['nl_res'],
                     m.get('context', False)),
        'detector': ScratchUNet(d['width'], d['depth']),
        'D_A': MultiScalePatchD(3, 32, 3, 2),
        'D_B': MultiScalePatchD(3, 32, 3, 2),
        'D_lat': LatentD(v['latent'], 64),
        'D_map': MultiScalePatchD(3, 32, 3, 2),
    }


# modules a net may have gained since older weights were saved (each starts as the identity): `--init`
# accepts weights without them, and a stage's `lr_grown` gives them their own learning-rate multiple
GROWN_MODULES = ('ctx.',)

# which networks each stage trains (the rest it uses frozen, or not at all)
TRAINS = {
    'vae_a': ['E_A', 'G_A'], 'vae_b': ['E_B', 'G_B'], 'map': ['T'],
    'joint': ['E_A', 'T', 'G_B'], 'detect': ['detector'],
}
CRITICS = {'vae_a': ['D_A', 'D_lat'], 'vae_b': ['D_B'], 'map': ['D_map'], 'joint': [], 'detect': []}
