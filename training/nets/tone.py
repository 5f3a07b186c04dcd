"""Photo tone (not in the paper): one global colour correction per photo.

Fading, yellowing and sepia act on the whole photo at once, almost as a 3×3
colour matrix, an offset and a gamma. Every other network here sees a few
dozen pixels (T's context adds per-channel statistics), and on the evaluation
a colour fix that knows the truth would still add ~2.4 dB to their output.
This small net looks at the whole degraded photo through a 64×64 thumbnail
and predicts, for the restored output y in [0, 1]:

    y' = M·y + b + k ⊙ y ⊙ (1 − y)

(M 3×3, b and k per channel: a colour matrix with a per-channel midtone
bend, the inverse of what the colour degradations do). It depends only on the
input photo, so the engine computes it once per restore, keeps it with the
latent and gives every decoded tile the same correction: tiles still agree
with a whole-image run and a mask re-run keeps the photo's tone.

The thumbnail is the photo in [-1, 1] average-pooled to 64×64 with PyTorch's
adaptive bins (start ⌊i·H/64⌋, end ⌈(i+1)·H/64⌉), which the engine computes the same way."""
import torch
from torch import nn
import torch.nn.functional as F

THUMB = 64
PARAMS = 15  # 9 matrix entries (as a change from the identity), 3 offsets, 3 midtone bends


def thumbnail(image: torch.Tensor) -> torch.Tensor:
    """[N, 3, H, W] → [N, 3, 64, 64] (adaptive average pooling)."""
    return F.adaptive_avg_pool2d(image, THUMB)


class ToneNet(nn.Module):
    def __init__(self, width: int = 24):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            nn.Conv2d(3, w, 3, 2, 1), nn.ReLU(inplace=True),          # 32
            nn.Conv2d(w, 2 * w, 3, 2, 1), nn.ReLU(inplace=True),      # 16
            nn.Conv2d(2 * w, 4 * w, 3, 2, 1), nn.ReLU(inplace=True),  # 8
            nn.Conv2d(4 * w, 4 * w, 3, 1, 1), nn.ReLU(inplace=True))
        # pooled features, plus the thumbnail's own colour statistics (mean, spread, darkest and brightest cell):
        # the cues a person uses to judge a faded or tinted print
        self.head = nn.Sequential(nn.Linear(8 * w + 12, 128), nn.ReLU(inplace=True), nn.Linear(128, PARAMS))
        nn.init.zeros_(self.head[-1].weight)  # starts as the identity: no correction
        nn.init.zeros_(self.head[-1].bias)

    def forward(self, thumb: torch.Tensor) -> torch.Tensor:
        f = self.features(thumb)
        flat = thumb.flatten(2)
        mean = flat.mean(2)
        std = (flat - mean[:, :, None]).pow(2).mean(2).sqrt()
        stats = torch.cat([mean, std, flat.amin(2), flat.amax(2)], 1)
        pooled = torch.cat([f.mean((2, 3)), f.amax((2, 3))], 1)
        return self.head(torch.cat([pooled, stats], 1))


def apply_tone(image: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """image [N, 3, H, W] in [-1, 1], params [N, 15] → corrected image in [-1, 1]."""
    y = (image + 1) / 2
    n = image.shape[0]
    m = params[:, :9].reshape(n, 3, 3) + torch.eye(3, dtype=image.dtype, device=image.device)
    b = params[:, 9:12, None, None]
    k = params[:, 12:15, None, None]
    mixed = torch.bmm(m, y.flatten(2)).view_as(y)
    out = mixed + b + k * y * (1 - y)
    return (out * 2 - 1).clamp(-1, 1)
