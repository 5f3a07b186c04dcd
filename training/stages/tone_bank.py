"""The tone stage's sample bank.

The tone net learns from the frozen chain's output on (most of) whole photos,
and running that chain is nearly all of the stage's cost. Trained online, each
output fed one gradient step of batch 8: after 1,300 steps (27 min on a core)
validation had moved +0.07 dB. So the stage first runs the chain once over
`train.stages.tone.bank` photos and keeps, per photo, the degraded photo's
thumbnail and the output and clean photo (area-averaged by `bank_pool`; the
correction is per pixel, so a smaller copy keeps its error), then trains on
the bank for as many epochs as it has steps: the same CPU time bought +0.78 dB
on held-out bank photos.

The bank is built in chunks saved to `<run>/tone-bank/`, each a pure function
of (seed, index) like every dataset here: a stop while building loses at most
one chunk, and `--resume` goes on from the chunks on disk. Epoch order is a
seeded permutation per epoch, so resuming at step s replays the same batches."""
import math
import os

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from .. import losses as L
from ..data import PhotoDataset
from ..degrade import DegradeConfig
from ..nets import thumbnail
from .models import restore_chain
from .state import Stop, atomic_save

FIELDS = ('thumb', 'out', 'clean')


def _chunk(nets, cfg, photos, first, count, dev):
    sc = cfg['train']['stages']['tone']
    pool = int(sc.get('bank_pool', 2))
    parts = {k: [] for k in FIELDS}
    with torch.no_grad():
        for i in range(first, first + count, 8):
            xs, ys, ms = zip(*[photos[j] for j in range(i, min(i + 8, first + count))])
            x, y, m = torch.stack(xs).to(dev), torch.stack(ys).to(dev), torch.stack(ms).to(dev)
            out = restore_chain(nets, x, L.latent_mask(m, cfg['train']['dilate']))
            parts['thumb'].append(thumbnail(x).half().cpu())
            parts['out'].append(F.avg_pool2d(out, pool).half().cpu())
            parts['clean'].append(F.avg_pool2d(y, pool).half().cpu())
    return {k: torch.cat(v) for k, v in parts.items()}


def build_bank(ctx, seed):
    """Loads the chunks already on disk and builds the rest; returns {field: tensor [n, …]}."""
    cfg, nets, dev = ctx['cfg'], ctx['nets'], ctx['device']
    sc = cfg['train']['stages']['tone']
    n, size = int(sc.get('bank', 3200)), int(sc.get('bank_chunk', 200))
    folder = os.path.join(ctx['run_dir'], 'tone-bank')
    os.makedirs(folder, exist_ok=True)
    photos = PhotoDataset(ctx['data']['clean'], cfg['data']['photo'], seed, DegradeConfig(**cfg['degrade']),
                          permute=float(sc.get('permute', 0.0)))
    for k in ('E_A', 'T', 'G_B'):
        nets[k].eval()
    chunks = []
    for c in range(math.ceil(n / size)):
        path = os.path.join(folder, f'chunk-{c:04d}.pt')
        first, count = c * size, min(size, n - c * size)
        if os.path.exists(path):
            chunk = torch.load(path)
            if len(chunk['thumb']) != count:
                raise SystemExit(f'{path} holds {len(chunk["thumb"])} photos, the config asks {count}: '
                                 'the bank was built with another train.stages.tone.bank_chunk; delete tone-bank/')
        else:
            chunk = _chunk(nets, cfg, photos, first, count, dev)
            atomic_save(chunk, path)
            ctx['log'](f'[tone] bank: photos {first + count}/{n}')
        chunks.append(chunk)
        if ctx['stop'].signal is not None:
            raise Stop(f'stopped by signal {ctx["stop"].signal} while building the tone bank ({first + count}/{n} photos '
                       'kept); resume with --resume')
    return {k: torch.cat([ch[k] for ch in chunks]) for k in FIELDS}


class BankDataset(Dataset):
    """Sample i: epoch i // n of a seeded per-epoch permutation of the bank, as float32."""

    names = FIELDS

    def __init__(self, bank, seed: int, length: int = 10 ** 9):
        self.bank, self.seed, self.length = bank, seed, length
        self.n = len(bank['thumb'])
        self._epoch, self._perm = None, None

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        epoch, j = divmod(i, self.n)
        if epoch != self._epoch:
            self._epoch, self._perm = epoch, torch.randperm(self.n, generator=torch.Generator().manual_seed(self.seed * 7919 + epoch))
        k = int(self._perm[j])
        return tuple(self.bank[f][k].float() for f in FIELDS)
