"""Building blocks shared by the networks.

No normalisation layer anywhere: instance norm (the paper's choice) computes
statistics per image, so a photo processed in overlapping tiles would get a
different normalisation in every tile and show seams. Without per-image
statistics every output pixel depends only on its receptive field, which is
what lets the engine tile a 24 MP scan and blend the tiles invisibly. Residual
branches are scaled down at init instead, which keeps deep stacks stable.
"""
import torch
from torch import nn


def conv(cin: int, cout: int, k: int, stride: int = 1, reflect: bool = True) -> nn.Sequential:
    pad = k // 2
    if reflect and pad > 0:
        return nn.Sequential(nn.ReflectionPad2d(pad), nn.Conv2d(cin, cout, k, stride))
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, padding=pad))


class ResBlock(nn.Module):
    """Two 3×3 reflection-padded convs with a ReLU, added to the input."""

    def __init__(self, ch: int, res_scale: float = 0.1):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), nn.ReLU(inplace=True),
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3))
        self.res_scale = res_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.res_scale * self.conv_block(x)


def count_macs_per_pixel(model: nn.Module, *inputs: torch.Tensor) -> float:
    """Multiply-accumulates per pixel of the first input (conv layers only)."""
    total = [0]

    def hook(mod, _inp, out):
        if isinstance(mod, nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1] * (mod.in_channels // mod.groups)
            total[0] += out.numel() * k
        elif isinstance(mod, nn.ConvTranspose2d):
            # every input element is spread over k×k×C_out outputs
            k = mod.kernel_size[0] * mod.kernel_size[1] * mod.out_channels // mod.groups
            total[0] += _inp[0].numel() * k

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        model(*inputs)
    for h in handles:
        h.remove()
    first = inputs[0]
    return total[0] / float(first.shape[-1] * first.shape[-2])
