"""Discriminators: a multi-scale patch discriminator (LSGAN) on images, and a
small one on latents that aligns real-old (R) and synthetic-old (X) latents."""
import torch
from torch import nn
import torch.nn.functional as F


class PatchD(nn.Module):
    def __init__(self, in_ch: int = 3, width: int = 32, n_layers: int = 3):
        super().__init__()
        layers, cin = [], in_ch
        for i in range(n_layers):
            cout = width * 2 ** i
            layers.append(nn.Sequential(nn.Conv2d(cin, cout, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True)))
            cin = cout
        layers.append(nn.Sequential(nn.Conv2d(cin, 1, 3, 1, 1)))
        self.layers = nn.ModuleList(layers)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        feats = []
        for layer in self.layers:
            x = layer(x)
            feats.append(x)
        return feats  # last element is the patch prediction


class MultiScalePatchD(nn.Module):
    def __init__(self, in_ch: int = 3, width: int = 32, n_layers: int = 3, scales: int = 2):
        super().__init__()
        self.ds = nn.ModuleList([PatchD(in_ch, width, n_layers) for _ in range(scales)])

    def forward(self, x: torch.Tensor) -> list[list[torch.Tensor]]:
        outs = []
        for i, d in enumerate(self.ds):
            if i:
                x = F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)
            outs.append(d(x))
        return outs


class LatentD(nn.Module):
    def __init__(self, latent: int = 64, width: int = 64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(latent, width, 3, 1, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, width, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, 1, 3, 1, 1))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)
