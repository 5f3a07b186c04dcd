"""Mapping T: old-photo latents → clean-photo latents, with the partial
non-local block that fills defect positions from context.

The paper's block attends from every position to every non-defect position,
an (hw)² matrix: 13 GiB for a 1200×800 scan. Here keys and values come from
the latent average-pooled by `pool` (masked: defect positions contribute
nothing, fully-defect cells are excluded before the softmax), so memory is
hw × hw/pool² and the engine's latent tiles keep it bounded. The paper's rule
is kept exactly: only defect positions change (F' = (1−M)⊙F + M⊙Attn).

Photo context (not in the paper). Outside the defects every convolution sees
a few dozen pixels, so T cannot tell a faded photo from a pale subject: a
global colour/contrast fix (what fading, yellowing and sepia call for) needs
global evidence. `latent_context` summarises the whole photo's latent (per
channel mean and standard deviation); a small MLP turns it into per-channel
scales and shifts (FiLM) of T's features and of the latent itself. The engine
computes it once over the full latent and gives every tile the same vector,
so tiles still agree with a whole-image run (per-tile statistics would not)."""
import torch
from torch import nn
import torch.nn.functional as F

from .blocks import ResBlock, conv


class PartialNonLocal(nn.Module):
    def __init__(self, ch: int, inner: int | None = None, pool: int = 4, n_res: int = 3):
        super().__init__()
        inner = inner or max(ch // 2, 8)
        self.theta = nn.Conv2d(ch, inner, 1)
        self.phi = nn.Conv2d(ch, inner, 1)
        self.g = nn.Conv2d(ch, inner, 1)
        self.W = nn.Conv2d(inner, ch, 1)
        self.res_block = nn.Sequential(*[ResBlock(ch) for _ in range(n_res)])
        self.pool = pool
        self.scale = inner ** -0.5

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        valid = 1.0 - mask
        p = self.pool
        # masked average pooling; the divisor cancels, so ceil_mode edges are exact
        num = F.avg_pool2d(x * valid, p, p, ceil_mode=True)
        den = F.avg_pool2d(valid, p, p, ceil_mode=True)
        pooled = num / (den + 1e-6)
        q = self.theta(x).flatten(2).transpose(1, 2)          # [1, hw, c]
        k = self.phi(pooled).flatten(2)                        # [1, c, n]
        v = self.g(pooled).flatten(2).transpose(1, 2)          # [1, n, c]
        logits = torch.bmm(q, k) * self.scale                  # [1, hw, n]
        key_ok = (den.flatten(2) > 1e-4).to(logits.dtype)      # [1, 1, n]
        logits = logits + (key_ok - 1.0) * 1e4
        attn = torch.softmax(logits, dim=-1)
        y = torch.bmm(attn, v).transpose(1, 2)                 # [1, c, hw]
        y = y.reshape(x.shape[0], -1, x.shape[2], x.shape[3])
        y = self.res_block(x + self.W(y))
        return valid * x + mask * y


def latent_context(latent: torch.Tensor) -> torch.Tensor:
    """[N, C, h, w] → [N, 2C]: per-channel mean, then population standard deviation,
    over every latent cell (defects included, so a mask edit leaves it unchanged)."""
    mean = latent.mean((2, 3))
    std = (latent - mean[:, :, None, None]).pow(2).mean((2, 3)).sqrt()
    return torch.cat([mean, std], 1)


class Mapping(nn.Module):
    """Widths ramp up then down as in the paper (64→128→256→512 … →64), taken
    from the config so a CPU-sized model and the paper-sized one share code."""

    def __init__(self, latent: int = 64, widths=(128, 256, 512), n_res_before: int = 2,
                 n_res_after: int = 6, pool: int = 4, nl_res: int = 3, context: bool = False):
        super().__init__()
        self.latent = latent
        widths = list(widths)
        layers, cin = [], latent + 1  # the mask is an extra input channel
        for w in widths:
            layers += [*conv(cin, w, 3), nn.ReLU(inplace=True)]
            cin = w
        top = self.top = widths[-1]
        self.before_NL = nn.Sequential(*layers)
        self.NL = PartialNonLocal(top, pool=pool, n_res=nl_res)
        after = [ResBlock(top) for _ in range(n_res_before + n_res_after)]
        for w in reversed(widths[:-1]):
            after += [*conv(cin, w, 3), nn.ReLU(inplace=True)]
            cin = w
        after += [*conv(cin, latent, 3)]
        self.after_NL = nn.Sequential(*after)
        self.ctx = None
        if context:
            self.ctx = nn.Sequential(nn.Linear(2 * latent, 128), nn.ReLU(inplace=True), nn.Linear(128, 4 * top + 2 * latent))
            # zero-initialised output: a net grown from one without context starts as that net
            nn.init.zeros_(self.ctx[-1].weight)
            nn.init.zeros_(self.ctx[-1].bias)

    def forward(self, latent: torch.Tensor, mask: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        h = self.before_NL(torch.cat([latent, mask], 1))
        if self.ctx is None:
            h = self.NL(h, mask)
            # predict a residual: quality-only mapping starts near the identity
            return latent + self.after_NL(h)
        if context is None:
            raise ValueError('this mapping needs the photo context (latent_context of the whole latent)')
        top, c = self.top, self.latent
        f = self.ctx(context)
        g1, b1, g2, b2, g0, b0 = (f[:, a:a + n, None, None] for a, n in (
            (0, top), (top, top), (2 * top, top), (3 * top, top), (4 * top, c), (4 * top + c, c)))
        h = self.NL(h * (1 + g1) + b1, mask)
        h = h * (1 + g2) + b2
        return latent + self.after_NL(h) + (latent * g0 + b0)
