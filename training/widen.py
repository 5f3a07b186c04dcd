"""Widens the mapping T of a weight file to the width of another config,
grows decoder B's refinement head wider or deeper, or widens the scratch
detector's U-Net, so that the grown net
computes exactly what the smaller one did and training goes on from there
instead of from scratch.

Why: fine-tuning the CPU-sized mapping (width 64) on the same data has moved
validation within noise for several CPU hours; only changing what it is taught
still helped. A wider T trained from zero would need every hour it has had
again, so it is grown from
the trained one ("Net2Net"-style, function-preserving):

- every weight's old block is copied into the top-left corner of the new one;
- the new *input* columns (reading the new channels) are zero, so nothing the
  old net computed changes;
- the new *output* rows keep the wide net's fresh initialisation, so the new
  channels carry signal and their zero columns get gradients from the first
  step (all-zero new channels would never start learning);
- in the partial non-local block the query and key rows of the new inner
  channels are zero, and the old query rows are scaled by sqrt(new/old inner),
  so the attention logits (scaled by inner**-0.5) are unchanged;
- the photo-context FiLM's output rows are laid out per width (four groups of
  `top`, then two of `latent`): the old rows move to their new places and the
  new channels get gain 0 and shift 0, the identity;
- a deeper refinement head gets its new hidden layers just before its output
  conv, each an identity kernel (the centre tap 1 from a channel to itself):
  they follow a ReLU, so they pass their input through exactly;
- in the detector every level's old channels keep their places, and the
  decoder's concatenation [upsampled, skip] moves the old skip channels to
  just after the new upsampled ones (transposed convolutions hold their
  input channels first, so their new input rows are the zeroed ones).

(The head was grown because its gain was still rising when its first runs
ended; wider and deeper heads then tied with it: see training/NOTES.md.)

    /usr/bin/python3 -m training.widen --weights RUN/weights/final.pt --config WIDE.json --out WIDE-INIT.pt

The output is a {net: state_dict} file with every net of the input, T and/or
G_B grown; `training.train --init` starts from it. Refused when the configs
differ in anything but the mapping's widths and the head's size, or when the
new one is smaller.
"""
import argparse
import math

import torch
from torch import nn

from .checkpoints import load_weights
from .config import load_config_or_exit
from .nets.mapping import Mapping
from .stages.models import build_models


def _grow(old: torch.Tensor, fresh: torch.Tensor, zero_new_rows: bool = False) -> torch.Tensor:
    """`fresh` with `old` in its leading corner and zeros in the columns (dim 1) beyond old's."""
    out = fresh.detach().clone()
    if out.dim() > 1:
        out[:, old.shape[1]:] = 0
    if zero_new_rows:
        out[old.shape[0]:] = 0
    out[tuple(slice(0, n) for n in old.shape)] = old
    return out


def _film_rows(old: torch.Tensor, new_len: int, top: int, new_top: int, latent: int) -> torch.Tensor:
    """The context head's output rows ([4 × top gains/shifts, 2 × latent]) moved to the wider layout, zeros
    (the identity) for the new channels."""
    out = old.new_zeros((new_len,) + old.shape[1:])
    for g in range(4):
        out[g * new_top:g * new_top + top] = old[g * top:(g + 1) * top]
    out[4 * new_top:] = old[4 * top:4 * top + 2 * latent]
    return out


def widen_mapping(old_sd: dict, old: Mapping, wide: Mapping) -> dict:
    """State dict for `wide` computing what `old` (holding `old_sd`) computes."""
    if (old.latent, len(old.after_NL), len(old.before_NL)) != (wide.latent, len(wide.after_NL), len(wide.before_NL)):
        raise SystemExit('widen: the mappings differ in more than their widths')
    q = math.sqrt(wide.NL.theta.out_channels / old.NL.theta.out_channels)  # the non-local block's inner widths
    out = {}
    for name, fresh in wide.state_dict().items():
        o = old_sd[name]
        if o.dim() != fresh.dim():
            raise SystemExit(f'widen: {name} has {o.dim()} dimensions in the old mapping and {fresh.dim()} in the new')
        if name.startswith('ctx.2.'):
            out[name] = _film_rows(o, fresh.shape[0], old.top, wide.top, old.latent)
        elif name.startswith(('NL.theta.', 'NL.phi.')):
            out[name] = _grow(o * (q if name.startswith('NL.theta.') else 1.0), fresh, zero_new_rows=True)
        else:
            out[name] = _grow(o, fresh)
    return out


def _head_convs(gen) -> list:
    """The refinement head's convs by their index in `refine`, input layer first."""
    return [n for n, m in gen.refine.named_children() if isinstance(m, nn.Conv2d)]


def grow_head(old_sd: dict, old, new) -> dict:
    """State dict for the generator `new`, whose refinement head is at least as wide and deep as that of `old`
    (holding `old_sd`), computing what `old` computes."""
    if old.refine is None or new.refine is None:
        raise SystemExit('widen: both configs need a refinement head (`--init` grows one onto a set without)')
    oc, nc = _head_convs(old), _head_convs(new)
    o_w, n_w = old.refine[int(oc[0])].out_channels, new.refine[int(nc[0])].out_channels
    if len(nc) < len(oc) or n_w < o_w:
        raise SystemExit(f'widen: the new head ({n_w} channels, {len(nc) - 1} hidden layers) is smaller than the old '
                         f'({o_w}, {len(oc) - 1})')
    fresh = new.state_dict()
    out = {k: v for k, v in old_sd.items() if not k.startswith('refine.')}
    for o, n in list(zip(oc[:-1], nc)) + [(oc[-1], nc[-1])]:
        for p in ('weight', 'bias'):
            out[f'refine.{n}.{p}'] = _grow(old_sd[f'refine.{o}.{p}'], fresh[f'refine.{n}.{p}'])
    for n in nc[len(oc) - 1:-1]:
        w = torch.zeros_like(fresh[f'refine.{n}.weight'])
        k = w.shape[-1] // 2
        w[range(n_w), range(n_w), k, k] = 1.0
        out[f'refine.{n}.weight'], out[f'refine.{n}.bias'] = w, torch.zeros_like(fresh[f'refine.{n}.bias'])
    if out.keys() != fresh.keys():
        raise SystemExit(f'widen: G_B\'s weights do not match its config ({sorted(out.keys() ^ fresh.keys())[:3]})')
    return out


def _placed(old: torch.Tensor, fresh: torch.Tensor, ins: list, outs: list, transposed: bool = False) -> torch.Tensor:
    """`fresh` with `old`'s weights moved to the channels `ins` (old input channel → new) and `outs` (old output
    channel → new), and zeros in every other input column, so only channels the old net had feed the outputs."""
    out = fresh.detach().clone()
    if out.dim() == 1:  # a bias: one value per output channel
        out[outs] = old
        return out
    i_dim, o_dim = (0, 1) if transposed else (1, 0)
    keep = torch.zeros(out.shape[i_dim], dtype=torch.bool)
    keep[ins] = True
    out.index_fill_(i_dim, torch.nonzero(~keep).flatten(), 0.0)
    placed = out.index_select(o_dim, torch.tensor(outs))
    placed.index_copy_(i_dim, torch.tensor(ins), old)
    out.index_copy_(o_dim, torch.tensor(outs), placed)
    return out


def widen_detector(old_sd: dict, old, wide) -> dict:
    """State dict for the U-Net `wide` (same depth, context and more channels per level) computing what `old`
    (holding `old_sd`) computes. The decoder convs read [upsampled, skip] concatenated, so the old skip channels
    move from just after the old upsampled ones to just after the new."""
    if (old.depth, old.context) != (wide.depth, wide.context):
        raise SystemExit('widen: the detectors differ in more than their width')
    o_ch = [old.inc[0].out_channels * 2 ** i for i in range(old.depth + 1)]
    n_ch = [wide.inc[0].out_channels * 2 ** i for i in range(wide.depth + 1)]
    first = lambda level: list(range(o_ch[level]))  # a level's old channels keep their places
    # the grey photo stays input channel 0; top-hat inputs a grown detector gains read zero columns
    old_in = list(range(old.inc[0].in_channels))
    layout = {'inc.0': (old_in, first(0)), 'inc.2': (first(0), first(0)), 'out': (first(0), [0])}
    for i in range(old.depth):
        layout[f'down.{i}.0'] = (first(i), first(i + 1))
        layout[f'down.{i}.2'] = (first(i + 1), first(i + 1))
    for k, i in enumerate(reversed(range(old.depth))):
        layout[f'up.{k}'] = (first(i + 1), first(i))
        layout[f'dec.{k}.0'] = (first(i) + [n_ch[i] + c for c in range(o_ch[i])], first(i))
        layout[f'dec.{k}.2'] = (first(i), first(i))
    for name, m in (old.ctx.named_children() if old.context else []):
        if isinstance(m, nn.Conv2d):
            layout[f'ctx.{name}'] = (first(old.depth), first(old.depth))
    out = {}
    for name, fresh in wide.state_dict().items():
        module, _, _ = name.rpartition('.')
        ins, outs = layout[module]
        out[name] = _placed(old_sd[name], fresh, ins, outs, transposed=module.startswith('up.'))
    return out


_GROWABLE = {'map': ('widths',), 'vae': ('refine', 'refine_depth'), 'detect': ('width', 'tophat')}


def _check_only_sizes_differ(a: dict, b: dict):
    def fixed(model):
        return {sec: {k: v for k, v in vals.items() if k not in _GROWABLE.get(sec, ())} for sec, vals in model.items()}
    if fixed(a) != fixed(b):
        raise SystemExit('widen: the configs\' models differ in more than the mapping\'s widths, the head\'s size and '
                         'the detector\'s width and top-hat inputs')


def main(argv=None):
    ap = argparse.ArgumentParser(prog='training.widen', description=__doc__.split('\n')[0])
    ap.add_argument('--weights', required=True, help='weight file[:config] holding T (and the nets to carry along)')
    ap.add_argument('--config', required=True, help='the config of the wider mapping')
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=0, help='seeds the new channels\' initialisation')
    args = ap.parse_args(argv)
    path, _, cfg_path = args.weights.partition(':')
    weights, old_cfg = load_weights(path, cfg_path)
    new_cfg = load_config_or_exit(args.config)
    _check_only_sizes_differ(old_cfg['model'], new_cfg['model'])
    torch.manual_seed(args.seed)
    old, new = build_models(old_cfg), build_models(new_cfg)
    out, grown = dict(weights), {}  # net → what was done to it
    if old_cfg['model']['map']['widths'] != new_cfg['model']['map']['widths']:
        if 'T' not in weights:
            raise SystemExit(f'{path}: has no T')
        out['T'] = widen_mapping(weights['T'], old['T'], new['T'])
        grown['T'] = f'T widened {old["T"].top} → {new["T"].top} channels'
    head = lambda v: (v.get('refine', 0), v.get('refine_depth', 2))
    if head(old_cfg['model']['vae']) != head(new_cfg['model']['vae']):
        if 'G_B' not in weights:
            raise SystemExit(f'{path}: has no G_B')
        out['G_B'] = grow_head(weights['G_B'], old['G_B'], new['G_B'])
        grown['G_B'] = 'G_B\'s head {}×{} → {}×{} (channels × hidden layers)'.format(
            *head(old_cfg['model']['vae']), *head(new_cfg['model']['vae']))
    od, nd = old_cfg['model']['detect'], new_cfg['model']['detect']
    if (od['width'], od.get('tophat', False)) != (nd['width'], nd.get('tophat', False)):
        if 'detector' not in weights:
            raise SystemExit(f'{path}: has no detector')
        if od.get('tophat', False) and not nd.get('tophat', False):
            raise SystemExit('widen: a detector with top-hat inputs cannot lose them')
        out['detector'] = widen_detector(weights['detector'], old['detector'], new['detector'])
        grown['detector'] = 'detector widened {} → {} channels{}'.format(
            od['width'], nd['width'], ', top-hat inputs added' if nd.get('tophat') and not od.get('tophat') else '')
    if not grown:
        raise SystemExit('widen: the two configs describe the same networks: nothing to grow')
    torch.save(out, args.out)
    print(f'{args.out}: {"; ".join(grown.values())}; carried along {", ".join(k for k in out if k not in grown)}')


if __name__ == '__main__':
    main()
