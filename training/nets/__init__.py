from .vae import Encoder, Generator
from .mapping import Mapping, PartialNonLocal, latent_context
from .detector import ScratchUNet
from .discriminators import MultiScalePatchD, LatentD
from .tone import ToneNet, apply_tone, thumbnail

__all__ = ['Encoder', 'Generator', 'Mapping', 'PartialNonLocal', 'latent_context', 'ScratchUNet', 'MultiScalePatchD', 'LatentD',
           'ToneNet', 'apply_tone', 'thumbnail']
