from .vae import Encoder, Generator
from .mapping import Mapping, PartialNonLocal
from .detector import ScratchUNet
from .discriminators import MultiScalePatchD, LatentD

__all__ = ['Encoder', 'Generator', 'Mapping', 'PartialNonLocal', 'ScratchUNet', 'MultiScalePatchD', 'LatentD']
