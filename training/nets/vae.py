"""VAE encoder E and generator G, shaped as the paper's table: 7×7 conv, two
4×4 stride-2 convs, residual blocks; mirrored in G with transposed convs.
The latent is the encoder's output (the "mean"); during training unit
Gaussian noise is added to it and its L2 norm is penalised (KL-style)."""
import torch
from torch import nn

from .blocks import ResBlock, conv


class Encoder(nn.Module):
    def __init__(self, width: int = 64, latent: int = 64, n_res: int = 4, in_ch: int = 3):
        super().__init__()
        self.encoder = nn.Sequential(
            *conv(in_ch, width, 7), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            *[ResBlock(width) for _ in range(n_res)],
            nn.Conv2d(width, latent, 1))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.encoder(image)


class Generator(nn.Module):
    def __init__(self, width: int = 64, latent: int = 64, n_res: int = 4, out_ch: int = 3):
        super().__init__()
        self.decoder = nn.Sequential(
            nn.Conv2d(latent, width, 1),
            *[ResBlock(width) for _ in range(n_res)],
            nn.ConvTranspose2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            *conv(width, out_ch, 7))

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.decoder(latent))
