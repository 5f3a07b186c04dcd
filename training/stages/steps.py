"""One optimisation step of each stage: the paper's losses, minus the VGG
perceptual term (no pretrained backbone exists here) and with SSIM added."""
import math

import torch
import torch.nn.functional as F

from .. import losses as L
from ..data import engine_grey
from ..nets import apply_tone, latent_context


def _noisy(z, cfg):
    noise = cfg['loss']['latent_noise'] * torch.randn_like(z)
    if cfg['model']['vae'].get('detail'):  # the detail band is the photo itself: only the learned code is sampled
        noise[:, cfg['model']['vae']['latent']:] = 0
    return z + noise


def _kl(z):
    return (z ** 2).mean()


def vae_a(n, batch, cfg):
    """VAE-A reconstructs synthetic-old x and real-old r; the latent critic
    D_lat learns to tell z_x from z_r and E_A learns to fool it (domain alignment)."""
    lw = cfg['loss']
    x, r = batch['x'], batch['r']
    z_x, z_r = n['E_A'](x), n['E_A'](r)
    rec_x, rec_r = n['G_A'](_noisy(z_x, cfg)), n['G_A'](_noisy(z_r, cfg))
    g = L.image_loss(rec_x, x, lw['l1'], lw['ssim']) + L.image_loss(rec_r, r, lw['l1'], lw['ssim'])
    g = g + lw['kl'] * (_kl(z_x) + _kl(z_r))
    fake = n['D_A'](torch.cat([rec_x, rec_r]))
    real = n['D_A'](torch.cat([x, r]))
    g = g + lw['gan'] * L.lsgan_g(fake) + lw['fm'] * L.feature_matching(real, fake)
    g = g + lw['latent_adv'] * ((n['D_lat'](z_r) - 1) ** 2).mean()
    logs = {'rec': F.l1_loss(rec_x, x).item()}

    def critic():
        d_img = L.lsgan_d(n['D_A'](torch.cat([x, r])), n['D_A'](torch.cat([rec_x, rec_r]).detach()))
        d_lat = ((n['D_lat'](z_x.detach()) - 1) ** 2).mean() + (n['D_lat'](z_r.detach()) ** 2).mean()
        return d_img + d_lat
    return g, critic, logs


def vae_b(n, batch, cfg):
    lw = cfg['loss']
    y = batch['y']
    z = n['E_B'](y)
    rec = n['G_B'](_noisy(z, cfg))
    g = L.image_loss(rec, y, lw['l1'], lw['ssim']) + lw['kl'] * _kl(z)
    fake, real = n['D_B'](rec), n['D_B'](y)
    g = g + lw['gan'] * L.lsgan_g(fake) + lw['fm'] * L.feature_matching(real, fake)
    logs = {'rec': F.l1_loss(rec, y).item()}

    def critic():
        return L.lsgan_d(n['D_B'](y), n['D_B'](rec.detach()))
    return g, critic, logs


def mapping(n, batch, cfg):
    """T maps E_A(x) to E_B(y) (latent L1) and G_B(T(·)) must look like y."""
    lw = cfg['loss']
    x, y, m = batch['x'], batch['y'], batch['m']
    with torch.no_grad():
        z_x, z_y = n['E_A'](x), n['E_B'](y)
    m_lat = L.latent_mask(m, cfg['train']['dilate'])
    z = n['T'](z_x, m_lat, latent_context(z_x))
    out = n['G_B'](z)
    g = lw['map_latent'] * F.l1_loss(z, z_y) + lw['map_image'] * L.image_loss(out, y, lw['l1'], lw['ssim'])
    fake, real = n['D_map'](out), n['D_map'](y)
    g = g + lw['gan'] * L.lsgan_g(fake) + lw['fm'] * L.feature_matching(real, fake)
    logs = {'lat': F.l1_loss(z, z_y).item(), 'img': F.l1_loss(out, y).item()}

    def critic():
        return L.lsgan_d(n['D_map'](y), n['D_map'](out.detach()))
    return g, critic, logs


def detected_mask(n, x, m, cfg):
    """The mask the mapping trains with: for a `train.detected_masks` share of the images, the frozen detector's
    full-scale mask at the export threshold (what the engine hands the mapping, less the pyramid's coarse
    pieces), for the rest the true one. Trained on true masks alone, the chain takes every mark for a defect (a
    false mark on a necklace or a window frame wipes intact detail) and leaves unmarked defects alone; this lets
    it meet the detector's errors in training (what it measured: training/NOTES.md, "Masks as users get them")."""
    share = cfg['train']['detected_masks']
    if share <= 0:
        return m
    with torch.no_grad():
        prob = torch.sigmoid(n['detector'].logits(engine_grey(x)))
        found = (prob >= cfg['export']['threshold']).to(m.dtype)
        pick = torch.rand(m.shape[0], 1, 1, 1, device=m.device) < share
        return torch.where(pick, found, m)


def joint(n, batch, cfg):
    """Short end-to-end fine-tune of E_A → T → G_B on image losses, after the
    staged training (not in the paper: it recovers the PSNR the frozen
    bottlenecks lose; the latent term keeps T's output in G_B's domain)."""
    lw = cfg['loss']
    x, y = batch['x'], batch['y']
    m = detected_mask(n, x, batch['m'], cfg)
    z_x = n['E_A'](x)
    z = n['T'](z_x, L.latent_mask(m, cfg['train']['dilate']), latent_context(z_x))
    out = n['G_B'](z)
    g = L.image_loss(out, y, lw['l1'], lw['ssim'], lw['mse'])
    # joint_latent 0 fine-tunes without E_B: the way to go on from shipped ONNX stages, which carry no E_B
    if lw['joint_latent'] > 0:
        with torch.no_grad():
            z_y = n['E_B'](y)
        g = g + lw['joint_latent'] * F.l1_loss(z, z_y)
    return g, None, {'img': F.l1_loss(out, y).item()}


def detect(n, batch, cfg):
    lw = cfg['loss']
    gray = engine_grey(batch['x'])  # exactly the grey the engine computes before detect.onnx
    logits = n['detector'].logits(gray)
    g = L.weighted_bce_dice(logits, batch['m'], lw['bce_pos_weight'], lw['dice'])
    if lw['tversky'] > 0:
        g = g + lw['tversky'] * L.tversky(logits, batch['m'], lw['tversky_beta'])
    with torch.no_grad():
        p = logits > 0
        t = batch['m'] > 0.5
        iou = ((p & t).sum() / ((p | t).sum().clamp(min=1))).item()
    return g, None, {'iou': iou}


def tone(n, batch, cfg):
    """The photo-tone net learns the global colour fix of the frozen chain's output (a bank sample: the degraded
    photo's thumbnail, the chain's output and the clean photo; tone_bank.py): mean squared error (what PSNR
    measures) plus an L1 term."""
    out, y = batch['out'], batch['clean']
    fixed = apply_tone(out, n['tone'](batch['thumb']))
    g = F.mse_loss(fixed, y) + cfg['loss']['tone_l1'] * F.l1_loss(fixed, y)
    with torch.no_grad():
        before, after = F.mse_loss(out, y).item(), F.mse_loss(fixed, y).item()
    # [-1, 1] images: PSNR on [0, 1] is 10·log10(4 / mse)
    return g, None, {'db_before': 10 * math.log10(4 / max(before, 1e-10)), 'db_after': 10 * math.log10(4 / max(after, 1e-10))}


STEPS = {'vae_a': vae_a, 'vae_b': vae_b, 'map': mapping, 'joint': joint, 'tone': tone, 'detect': detect}
