"""Losses that need no pretrained backbone (no VGG weights exist here)."""
import torch
import torch.nn.functional as F


def _gauss(size=11, sigma=1.5, device=None, dtype=None):
    x = torch.arange(size, device=device, dtype=dtype) - size // 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]


def ssim(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean SSIM of images in [-1, 1] (computed on [0, 1])."""
    a, b = (a + 1) / 2, (b + 1) / 2
    c = a.shape[1]
    w = _gauss(device=a.device, dtype=a.dtype).expand(c, 1, 11, 11)
    mu_a, mu_b = F.conv2d(a, w, groups=c), F.conv2d(b, w, groups=c)
    saa = F.conv2d(a * a, w, groups=c) - mu_a ** 2
    sbb = F.conv2d(b * b, w, groups=c) - mu_b ** 2
    sab = F.conv2d(a * b, w, groups=c) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (saa + sbb + c2))
    return s.mean()


def image_loss(pred, target, w_l1=1.0, w_ssim=0.5, w_mse=0.0):
    # L1 learns the median of what a degraded photo may have been, MSE the mean: where the photo leaves the answer
    # open (a faded print or a muted scene) the mean is what PSNR rewards. 0 adds nothing to the graph.
    loss = w_l1 * F.l1_loss(pred, target) + w_ssim * (1 - ssim(pred, target))
    return loss + w_mse * F.mse_loss(pred, target) if w_mse else loss


def lsgan_d(real_outs, fake_outs):
    loss = 0
    for r, f in zip(real_outs, fake_outs):
        loss = loss + ((r[-1] - 1) ** 2).mean() + (f[-1] ** 2).mean()
    return loss / len(real_outs)


def lsgan_g(fake_outs):
    return sum(((f[-1] - 1) ** 2).mean() for f in fake_outs) / len(fake_outs)


def feature_matching(real_outs, fake_outs):
    loss, n = 0, 0
    for r, f in zip(real_outs, fake_outs):
        for rf, ff in zip(r[:-1], f[:-1]):
            loss = loss + F.l1_loss(ff, rf.detach())
            n += 1
    return loss / max(n, 1)


def known(target):
    """(target with unknown pixels set to 0, weight: 1 where the target is known, 0 where it is −1). Pseudo-labels
    (real_damage/pseudo.py) leave pixels nobody is sure of unknown; every other mask is known everywhere."""
    w = (target >= 0).to(target.dtype)
    return target.clamp(min=0), w


def weighted_bce_dice(logits, target, pos_weight=5.0, w_dice=1.0):
    target, w = known(target)
    bce = F.binary_cross_entropy_with_logits(logits, target, pos_weight=torch.tensor(pos_weight, device=logits.device),
                                             reduction='none')
    bce = (bce * w).sum() / w.sum().clamp(min=1)
    p = torch.sigmoid(logits) * w
    inter = (p * target).sum((1, 2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
    return bce + w_dice * dice.mean()


def tversky(logits, target, beta=0.7):
    """1 − the Tversky index per image, misses weighted `beta` and false marks 1 − beta: with beta > 0.5 a
    detector that leaves a crack unmarked pays more than one that marks a little too much, which is the
    trade the mapping wants (an unmarked scratch stays in the photo; a false mark is filled from its
    surroundings). Images without defects count through their false marks alone; unknown pixels (−1) not at all."""
    target, w = known(target)
    p = torch.sigmoid(logits) * w
    tp = (p * target).sum((1, 2, 3))
    fn = ((1 - p) * target).sum((1, 2, 3))
    fp = (p * (1 - target)).sum((1, 2, 3))
    return (1 - (tp + 1) / (tp + beta * fn + (1 - beta) * fp + 1)).mean()


def latent_mask(mask: torch.Tensor, dilate: int, factor: int = 4) -> torch.Tensor:
    """Full-resolution mask → latent scale exactly as the engine does it:
    dilate by `dilate` px, then max-pool by the encoder's stride."""
    if dilate > 0:
        mask = F.max_pool2d(mask, 2 * dilate + 1, 1, dilate)
    return F.max_pool2d(mask, factor, factor)
