"""Datasets whose sample i is a pure function of (seed, i): resuming at step s
replays exactly the batches a run that never stopped would have seen."""
import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset, Sampler

from ..degrade import DegradeConfig, degrade, target


def to_tensor(img: np.ndarray) -> torch.Tensor:
    """float32 [H, W, C] in [0, 1] → [C, H, W] in [-1, 1]."""
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))) * 2 - 1


def engine_grey(x: torch.Tensor) -> torch.Tensor:
    """[N, 3, H, W] in [-1, 1] → [N, 1, H, W] in [-1, 1]: the grey the engine feeds the detector (sharp/libvips
    sRGB → b-w: Rec. 709 luminance in linear light, re-encoded with the sRGB curve). A plain channel mean differs
    from it by ~16 levels on colourful photos, a distribution shift for the detector."""
    v = ((x + 1) / 2).clamp(0, 1)
    lin = torch.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    w = torch.tensor([0.2126, 0.7152, 0.0722], device=x.device, dtype=x.dtype).view(1, 3, 1, 1)
    y = (lin * w).sum(1, keepdim=True)
    g = torch.where(y <= 0.0031308, 12.92 * y, 1.055 * y.clamp(min=1e-12) ** (1 / 2.4) - 0.055)
    return g * 2 - 1


def random_crop(img: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    if min(h, w) < size:
        s = size / min(h, w)
        img = np.asarray(Image.fromarray(img).resize((max(size, round(w * s)), max(size, round(h * s))), Image.BICUBIC))
        h, w = img.shape[:2]
    # random rescale adds scale variety without leaving the photo's content
    if rng.random() < 0.5 and min(h, w) > size * 1.5:
        s = rng.uniform(size / min(h, w), 1.0)
        img = np.asarray(Image.fromarray(img).resize((max(size, round(w * s)), max(size, round(h * s))), Image.BICUBIC))
        h, w = img.shape[:2]
    y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    crop = img[y:y + size, x:x + size]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    return np.ascontiguousarray(crop).astype(np.float32) / 255


class PairDataset(Dataset):
    """Clean crop y, its synthetic old version x and the structured-defect mask."""

    def __init__(self, images, crop: int, seed: int, cfg: DegradeConfig | None = None, length: int = 10 ** 9,
                 clean_only: bool = False):
        self.images, self.crop, self.seed, self.cfg, self.length = images, crop, seed, cfg or DegradeConfig(), length
        self.clean_only = clean_only  # VAE-B never looks at x: skip the degradation cost

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        rng = np.random.default_rng([self.seed, i])
        clean = random_crop(self.images[int(rng.integers(len(self.images)))], self.crop, rng)
        if self.clean_only:
            y = to_tensor(clean)
            return y, y, torch.zeros(1, *clean.shape[:2])
        clean = target(clean, rng, self.cfg)
        old, mask = degrade(clean, rng, self.cfg)
        return to_tensor(old), to_tensor(clean), torch.from_numpy(mask.astype(np.float32))[None]


class PhotoDataset(Dataset):
    """Most of a photo at a small size (short side `size`, a random size × size window, flipped at random), its
    synthetic old version and mask: what the tone stage trains on, since a global colour fix must see the photo's
    whole content, not a 128 px detail of it.

    `permute`: the share of photos whose colour channels are shuffled before degrading (the clean target
    alike). With a few hundred training photos, a net that sees the whole photo learns which photo it is and
    recalls its true colours, which does not carry over to new photos; shuffled channels leave it the cues that
    do (contrast, black and white points, casts from the degradation)."""

    def __init__(self, images, size: int, seed: int, cfg: DegradeConfig | None = None, length: int = 10 ** 9,
                 permute: float = 0.0):
        self.images, self.size, self.seed, self.cfg, self.length = images, size, seed, cfg or DegradeConfig(), length
        self.permute = permute

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        rng = np.random.default_rng([self.seed, 104729, i])
        img = self.images[int(rng.integers(len(self.images)))]
        h, w = img.shape[:2]
        s = self.size / min(h, w)
        small = np.asarray(Image.fromarray(img).resize((max(self.size, round(w * s)), max(self.size, round(h * s))),
                                                       Image.BICUBIC))
        clean = random_crop(small, self.size, rng)
        if self.permute and rng.random() < self.permute:
            clean = np.ascontiguousarray(clean[..., rng.permutation(3)])
        clean = target(clean, rng, self.cfg)
        old, mask = degrade(clean, rng, self.cfg)
        return to_tensor(old), to_tensor(clean), torch.from_numpy(mask.astype(np.float32))[None]


class RealOldDataset(Dataset):
    def __init__(self, images, crop: int, seed: int, length: int = 10 ** 9):
        self.images, self.crop, self.seed, self.length = images, crop, seed, length

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        rng = np.random.default_rng([self.seed, 7919, i])
        return to_tensor(random_crop(self.images[int(rng.integers(len(self.images)))], self.crop, rng))


class WithRealMasks(Dataset):
    """`base`'s samples, except that a `share` of them (drawn per index, so resuming replays them) is a random
    window of one of the labelled real crops `pairs` [(uint8 [H, W, 3], bool [H, W])] with its mask, turned by a
    random quarter and flipped: real scratches, cracks and dust, and real hair, fabric and branches that are not
    damage, among the detector's synthetic ones. The clean target is the crop itself (the detector never reads it).
    Masks may also be int8 with −1 for unknown pixels (pseudo-labels: real_damage/pseudo.py), which the detector's
    loss skips."""

    def __init__(self, base, pairs, share: float, seed: int):
        self.base, self.pairs, self.share, self.seed = base, pairs, share, seed

    @property
    def crop(self) -> int:  # so one mix can wrap another (labelled crops, then pseudo-labelled photos)
        return self.base.crop

    def __len__(self):
        return len(self.base)

    def __getitem__(self, i):
        rng = np.random.default_rng([self.seed, 611953, i])
        if rng.random() >= self.share:
            return self.base[i]
        rgb, mask = self.pairs[int(rng.integers(len(self.pairs)))]
        size = self.base.crop
        h, w = mask.shape
        if min(h, w) < size:
            raise ValueError(f'labelled crops must be at least {size} px on each side, not {w} × {h}')
        y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
        img = rgb[y:y + size, x:x + size].astype(np.float32) / 255
        m = mask[y:y + size, x:x + size].astype(np.float32)
        k = int(rng.integers(4))
        img, m = np.rot90(img, k), np.rot90(m, k)
        if rng.random() < 0.5:
            img, m = img[:, ::-1], m[:, ::-1]
        x_t = to_tensor(np.ascontiguousarray(img))
        return x_t, x_t, torch.from_numpy(np.ascontiguousarray(m))[None]


class StepSampler(Sampler):
    """Yields sample indices from `start` on, in order."""

    def __init__(self, start: int, count: int):
        self.start, self.count = start, count

    def __iter__(self):
        return iter(range(self.start, self.start + self.count))

    def __len__(self):
        return self.count
