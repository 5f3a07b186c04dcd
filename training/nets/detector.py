"""Scratch detection U-Net on the grayscale photo, output a per-pixel scratch
probability. No normalisation (tile-consistent, see blocks.py).

Context levels (`model.detect.context`, not in the paper). Scratches and dust
are found from their edges, but a blotch or a tear is a soft or flat patch a
hundred pixels across: from inside it a depth-3 U-Net (receptive field ~70 px)
sees only a bright area, and the earlier detectors found 6 % of the pieces
over 5,000 px. `context` more halvings below the bottleneck (convolutions
only, no global pooling, so tiles still agree) add their upsampled features
to the bottleneck. Its last convolution starts at zero, so a detector grown
from one without it starts as that detector.

Top-hat features (`model.detect.tophat`, not in the paper). A print's
scratches and cracks are thin lines brighter (paper showing through) or darker
than what lies on both sides of them; the white and black morphological
top-hats (the photo minus its opening; its closing minus the photo) measure
exactly that, and a ten-line classical recipe built on them found 72 % of real
scratch pixels where the learned detector found 10 %. With `tophat` the
first convolution also reads both top-hats at `TOPHAT_SIZES` (square windows,
so each responds to lines up to about that wide): fixed max-pool arithmetic
inside the graph, local, so tiles still agree. Their input columns start at
zero, so a detector grown from one without them starts as that detector."""
import torch
from torch import nn
import torch.nn.functional as F


def _double(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.LeakyReLU(0.1, inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.LeakyReLU(0.1, inplace=True))


TOPHAT_SIZES = (5, 11)


def _dilate(x: torch.Tensor, k: int) -> torch.Tensor:
    return F.max_pool2d(x, k, 1, k // 2)


def tophats(grey: torch.Tensor) -> torch.Tensor:
    """[N, 1, H, W] → [N, 2 · len(TOPHAT_SIZES), H, W]: white then black top-hat per window size (grey units,
    never negative). Max-pool pads with -inf, so a border reads only the photo; the engine reflects tiles at the
    photo's edges, and interior tile edges lie in the overlap."""
    out = []
    for k in TOPHAT_SIZES:
        opened = _dilate(-_dilate(-grey, k), k)
        closed = -_dilate(-_dilate(grey, k), k)
        out += [grey - opened, closed - grey]
    return torch.cat(out, 1)


class ScratchUNet(nn.Module):
    def __init__(self, width: int = 16, depth: int = 3, context: int = 0, tophat: bool = False):
        super().__init__()
        chans = [width * 2 ** i for i in range(depth + 1)]
        self.tophat = tophat
        self.inc = _double(1 + (2 * len(TOPHAT_SIZES) if tophat else 0), chans[0])
        self.down = nn.ModuleList([_double(chans[i], chans[i + 1]) for i in range(depth)])
        self.up = nn.ModuleList([nn.ConvTranspose2d(chans[i + 1], chans[i], 2, 2) for i in reversed(range(depth))])
        self.dec = nn.ModuleList([_double(chans[i] * 2, chans[i]) for i in reversed(range(depth))])
        self.out = nn.Conv2d(chans[0], 1, 1)
        self.depth = depth
        self.context = context
        if context:
            c = chans[-1]
            layers = []
            for _ in range(context):
                layers += [nn.MaxPool2d(2), *_double(c, c)]
            layers += [nn.Conv2d(c, c, 1)]
            self.ctx = nn.Sequential(*layers)
            nn.init.zeros_(self.ctx[-1].weight)
            nn.init.zeros_(self.ctx[-1].bias)

    @property
    def stride(self) -> int:
        return 2 ** (self.depth + self.context)

    def logits(self, image: torch.Tensor) -> torch.Tensor:
        if self.tophat:
            image = torch.cat([image, tophats(image)], 1)
        skips, h = [], self.inc(image)
        for d in self.down:
            skips.append(h)
            h = d(F.max_pool2d(h, 2))
        if self.context:
            h = h + F.interpolate(self.ctx(h), scale_factor=2 ** self.context, mode='bilinear', align_corners=False)
        for up, dec in zip(self.up, self.dec):
            h = dec(torch.cat([up(h), skips.pop()], 1))
        return self.out(h)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(image))


def _logit(p: float) -> float:
    return float(torch.logit(torch.tensor(p, dtype=torch.float64)))


class UnionDetector(nn.Module):
    """Two detectors read as one (`model.detect.thin`, not in the paper): the general one, trained on our drawn
    damage (strokes, blotches, tears) and tuned at its own threshold, and a thin-damage one trained on real
    film-damage overlays, crack networks and folds. Each one's logits are shifted by its own threshold, so the
    union's probability passes 0.5 exactly where either detector passes its threshold: the engine keeps one
    threshold and one graph, and neither detector's tuning is given up for the other's. (One detector trained on
    both kinds found real cracks only by also marking bright, flat regions, and lost a fifth of the drawn damage.)"""

    def __init__(self, general: ScratchUNet, thin: ScratchUNet, thresholds: tuple, thin_width: int = 0):
        super().__init__()
        if general.stride != thin.stride:
            raise ValueError(f'the two detectors need one stride, not {general.stride} and {thin.stride}')
        if thin_width and thin_width % 2 == 0:
            raise ValueError(f'thin_width must be odd (a centred window), not {thin_width}')
        self.general, self.thin = general, thin
        self.thin_width = thin_width
        self.register_buffer('shifts', torch.tensor([_logit(t) for t in thresholds]), persistent=False)

    @property
    def stride(self) -> int:
        return self.general.stride

    def thin_logits(self, image: torch.Tensor) -> torch.Tensor:
        """The thin detector's logits, kept to what is thin (`thin_width`): its probability minus its own opening
        over a thin_width window, the top-hat of the probability map. Marks wider than the window (a white collar,
        a bright sleeve, read as damage on real prints) are the general detector's and the pyramid's business,
        and are dropped here; a crack up to that wide keeps its probability."""
        logits = self.thin.logits(image)
        if not self.thin_width:
            return logits
        p = torch.sigmoid(logits)
        opened = _dilate(-_dilate(-p, self.thin_width), self.thin_width)
        q = (p - opened).clamp(1e-6, 1 - 1e-6)
        return torch.log(q / (1 - q))  # aten::logit has no ONNX form at opset 17

    def logits(self, image: torch.Tensor) -> torch.Tensor:
        return torch.maximum(self.general.logits(image) - self.shifts[0], self.thin_logits(image) - self.shifts[1])

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(image))
