from .vae import Encoder, Generator
from .mapping import Mapping, PartialNonLocal, latent_context
from .detector import ScratchUNet
from .discriminators import MultiScalePatchD, LatentD

__all__ = ['Encoder', 'Generator', 'Mapping', 'PartialNonLocal', 'latent_context', 'ScratchUNet', 'MultiScalePatchD', 'LatentD']
