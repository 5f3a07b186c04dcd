"""VAE encoder E and generator G, shaped as the paper's table: 7×7 conv, two
4×4 stride-2 convs, residual blocks; mirrored in G with transposed convs.
The latent is the encoder's output (the "mean"); during training unit
Gaussian noise is added to it and its L2 norm is penalised (KL-style).

Detail band (`model.vae.detail`, not in the paper). A 4×-downsampled code of
a few dozen channels cannot hold a photo's texture: the earlier models'
decoder topped out near 27 dB on clean photos and blurred textured ones
(a mildly damaged CBSD68 photo went from 0.98 to 0.56 SSIM). With the band
the latent is the learned code followed by the photo itself rearranged
space-to-depth (4×4 pixels × RGB = 48 channels per cell), and the generator
adds its learned output to the band rearranged back. At initialisation the
round trip is exact, so the mapping starts from the input photo and learns
corrections (colour, noise, blur, defects) instead of re-synthesising texture
through a bottleneck. The code still carries what the network learns; the
mapping sees both.

Refinement head (`model.vae.refine`, not in the paper). Every correction the
generator makes is drawn from 4×-downsampled features spread back up by two
transposed convs, so at full resolution it has no view of the pixels it
corrects: blur, low resolution and JPEG were barely undone (one fault at a
time, 27.4 → 27.9 dB for blur) while a clean photo lost 1.3 dB to its
smoothing. The head is `refine_depth` (default 2) hidden 3×3 convs of
`refine` channels at full resolution over the decoded photo and the
generator's last features, and a 3×3 conv back to RGB added to the output;
its last conv starts at zero, so a set trained without it goes on exactly
where it was (`training.widen` grows a trained head wider or deeper)."""
import torch
from torch import nn
import torch.nn.functional as F

from .blocks import ResBlock, conv

BAND = 48  # 4×4 pixels × 3 channels per latent cell


class Encoder(nn.Module):
    def __init__(self, width: int = 64, latent: int = 64, n_res: int = 4, in_ch: int = 3, detail: bool = False):
        super().__init__()
        self.detail = detail
        self.encoder = nn.Sequential(
            *conv(in_ch, width, 7), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            *[ResBlock(width) for _ in range(n_res)],
            nn.Conv2d(width, latent, 1))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        code = self.encoder(image)
        return torch.cat([code, F.pixel_unshuffle(image, 4)], 1) if self.detail else code


class Generator(nn.Module):
    def __init__(self, width: int = 64, latent: int = 64, n_res: int = 4, out_ch: int = 3, detail: bool = False,
                 refine: int = 0, refine_depth: int = 2):
        super().__init__()
        if refine and not detail:
            raise ValueError('model.vae.refine needs model.vae.detail: the head corrects the band-based output')
        self.detail = detail
        self.decoder = nn.Sequential(
            nn.Conv2d(latent + (BAND if detail else 0), width, 1),
            *[ResBlock(width) for _ in range(n_res)],
            nn.ConvTranspose2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, width, 4, 2, 1), nn.ReLU(inplace=True),
            *conv(width, out_ch, 7))

        if detail:  # the learned part starts silent: decode(encode(x)) == x
            nn.init.zeros_(self.decoder[-1].weight)
            nn.init.zeros_(self.decoder[-1].bias)
        if refine and refine_depth < 1:
            raise ValueError(f'model.vae.refine_depth is the head\'s hidden layers, at least 1 (got {refine_depth})')
        self.refine = None
        if refine:
            hidden = [layer for i in range(refine_depth)
                      for layer in (*conv(out_ch + width if i == 0 else refine, refine, 3), nn.ReLU(inplace=True))]
            self.refine = nn.Sequential(*hidden, *conv(refine, out_ch, 3))
            nn.init.zeros_(self.refine[-1].weight)
            nn.init.zeros_(self.refine[-1].bias)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        if not self.detail:
            return torch.tanh(self.decoder(latent))
        band = F.pixel_shuffle(latent[:, -BAND:], 4)
        feat = self.decoder[:-2](latent)  # the last conv is unpacked as (pad, conv): features before both
        out = band + self.decoder[-1](self.decoder[-2](feat))
        if self.refine is not None:
            out = out + self.refine(torch.cat([out, feat], 1))
        return torch.clamp(out, -1.0, 1.0)
