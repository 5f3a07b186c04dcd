"""Exports trained (or random) weights as the engine's four ONNX stages plus
manifest.json, following the stage contract in DESIGN.md:

    /usr/bin/python3 -m training.export (--weights FILE[,FILE…] | --run-dir RUN | --random-init)
        [--config CFG] --out resources/models [--model-id ID] [--parity [DIR]]

    detect.onnx  image [N,1,H,W] grey in [-1,1]   → mask_prob [N,1,H,W] in [0,1]  (H, W multiples of 2**(depth + context))
    encode.onnx  image [N,3,H,W] in [-1,1]        → latent [N,C,H/4,W/4]           (VAE-A encoder, no sampling)
    map.onnx     latent [N,C,h,w], mask [N,1,h,w] → latent_out [N,C,h,w]          (mask at latent scale, 1 = defect)
    decode.onnx  latent [N,C,h,w]                 → image [N,3,4h,4w] in [-1,1]    (VAE-B generator)
    tone.onnx    thumbnail [N,3,64,64] in [-1,1]  → tone [N,15]                     (optional: the photo-tone net)

With a tone stage, decode.onnx takes a second input `tone` [N,15] and applies
that correction to its output (nets/tone.py): the engine runs tone.onnx once
per photo on the thumbnail and feeds the same vector to every decode tile.

Opset 17, dynamic batch/height/width. The mask reaches map.onnx already at
latent scale, built by the engine exactly as training's `losses.latent_mask`
does it (dilate by `detect.dilate` px, then max-pool ×4).

Weights: `--weights` takes final.pt (`{'nets': {E_A, T, G_B, detector}, 'config', 'training'}`),
a checkpoint (ckpt/latest.pt) or a stage file (weights/<stage>.pt, a bare
`{net: state_dict}`); several files are merged left to right, so a detector
trained in its own run can join the rest (`--weights map/weights/final.pt,det/weights/detect.pt`).
`--run-dir RUN` means `--weights RUN/weights/final.pt`. The architecture comes
from `--config`, or from the weights' own config when it is omitted.

The folder is written next to `--out` and renamed into place, so a reader
never sees half a model set. `--parity DIR` (default `<out>/parity`) also
writes, per stage, a seeded random input and PyTorch's output (raw
little-endian float32 + JSON shapes) that `test/integration/model-parity.test.ts`
replays through onnxruntime-node. Metrics are filled in by `training.evaluate`;
they survive a re-export only when the ONNX files come out byte-identical.
"""
import argparse
import datetime
import glob
import hashlib
import json
import os
import re
import shutil
import sys
import warnings

import torch
from torch import nn

from .checkpoints import INFERENCE_NETS, OPTIONAL_NETS, TRAINED_BY, load_weight_files, sha256_file
from .config import STAGE_ORDER, load_config_or_exit
from .nets.blocks import count_macs_per_pixel
from .nets.tone import THUMB
from .detect_pyramid import check_mirrors
from .onnx_stages import STAGE_ORDER_EXPORT, example_inputs, stage_module, stage_specs
from .stages.models import build_models, latent_channels
# Names that used to live here, still importable from here: the weight files' helpers are in checkpoints, the
# stages' modules and contract in onnx_stages.
from .checkpoints import checkpoint_record  # noqa: F401
from .onnx_stages import STAGE_NET, DecodeTone, Detect  # noqa: F401

OPSET = 17
LICENCE = {
    'weights': 'MIT',
    'note': 'Heirloom\'s own weights, trained from scratch with this repository\'s code (method: Wan et al., '
            'CVPR 2020, re-implemented; no weights or code of the authors are used). Training images and '
            'their licences are listed in the datasets\' SOURCES.md; none is shipped.',
}


def pyramid_spec(p):
    """The config's export.pyramid, checked: what the engine's manifest schema accepts."""
    if not isinstance(p, dict) or set(p) != {'minSide', 'threshold', 'minArea'}:
        raise SystemExit(f'export.pyramid must be {{"minSide": int, "threshold": 0..1, "minArea": int}}, not {p!r}')
    ints = all(isinstance(p[k], int) and not isinstance(p[k], bool) for k in ('minSide', 'minArea'))
    if not ints or p['minSide'] < 16 or p['minArea'] < 0 or not 0 <= p['threshold'] <= 1:
        raise SystemExit(f'export.pyramid: minSide must be an integer ≥ 16, minArea an integer ≥ 0 and threshold '
                         f'in [0, 1], not {p!r}')
    return {'minSide': p['minSide'], 'threshold': float(p['threshold']), 'minArea': p['minArea']}


_DONE = re.compile(r'\[(\w+)\] done: (\d+) steps in (\d+)s')
_DATA = re.compile(r'data: (\d+) (clean photos|extra clean photos|real old photos)(?: from (.*\S))?')
_DATA_KIND = {'clean photos': 'clean', 'extra clean photos': 'clean_extra', 'real old photos': 'old'}


def read_logs(dirs):
    """Steps/seconds per stage and image counts from training logs (log.txt, *.log) in `dirs`. A count is kept per
    folder, the last line of each winning (a resumed run logs its folders again), and a kind's folders summed."""
    steps, seconds, folders = {}, {}, {}
    files = []
    for d in dirs:
        files += sorted(glob.glob(os.path.join(d, 'log.txt')) + glob.glob(os.path.join(d, '*.log')))
    for path in dict.fromkeys(files):
        try:
            with open(path, errors='replace') as f:
                for line in f:
                    m = _DONE.search(line)
                    if m and m.group(1) in STAGE_ORDER:
                        steps[m.group(1)], seconds[m.group(1)] = int(m.group(2)), float(m.group(3))
                    m = _DATA.search(line)
                    if m:
                        folders[_DATA_KIND[m.group(2)], m.group(3)] = int(m.group(1))
        except OSError:
            pass
    data = {}
    for (kind, _), n in folders.items():
        data[kind] = data.get(kind, 0) + n
    return steps, seconds, data


def macs(nets, cfg):
    """Multiply-accumulates per image pixel, per stage (the detector counted at full resolution, an upper bound;
    the mapping's attention products counted for one tile of the manifest's size)."""
    c = latent_channels(cfg)
    out = {
        'detect': count_macs_per_pixel(nets['detector'], torch.zeros(1, 1, 64, 64)),
        'encode': count_macs_per_pixel(nets['E_A'], torch.zeros(1, 3, 64, 64)),
        'map': count_macs_per_pixel(nets['T'], torch.zeros(1, c, 16, 16), torch.zeros(1, 1, 16, 16),
                                    torch.zeros(1, 2 * c)) / 16,
        'decode': count_macs_per_pixel(nets['G_B'], torch.zeros(1, c, 16, 16)) / 16,
    }
    nl = nets['T'].NL
    lat_tile = max(1, cfg['export']['tile'] // 4)
    keys = (-(-lat_tile // nl.pool)) ** 2
    out['map'] += 2 * keys * nl.theta.out_channels / 16  # q·k and attn·v per latent position
    return {k: round(v, 1) for k, v in out.items()}


def export_onnx(module, args, path, in_names, out_names, out_shapes=None):
    axes = {n: {0: 'N', 2: 'H', 3: 'W'} for n in in_names + out_names}
    for name in ('context', 'tone', 'thumbnail'):  # per photo, not spatial: only the batch varies
        if name in axes:
            axes[name] = {0: 'N'}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')  # tracer warnings about shape arithmetic are expected here
        torch.onnx.export(module, args, path, input_names=in_names, output_names=out_names, opset_version=OPSET,
                          dynamic_axes=axes, do_constant_folding=True)
    import onnx
    model = onnx.load(path)
    # The exporter loses a static dimension behind ops it cannot infer (the reflection pads' Pad,
    # then the context's broadcasts): write the contract's fixed sizes on the outputs again.
    stamped = False
    for out in model.graph.output:
        for dim, want in zip(out.type.tensor_type.shape.dim, (out_shapes or {}).get(out.name, [])):
            if isinstance(want, int) and dim.dim_value != want:
                dim.dim_value = want
                stamped = True
    if stamped:
        onnx.save(model, path)
    onnx.checker.check_model(model)
    got_in = [i.name for i in model.graph.input]
    got_out = [o.name for o in model.graph.output]
    if got_in != in_names or got_out != out_names:
        raise RuntimeError(f'{path}: exported inputs {got_in} / outputs {got_out}, expected {in_names} / {out_names}')


def write_parity(folder, stage, module, inputs, in_names, out_names, seed):
    os.makedirs(folder, exist_ok=True)
    with torch.no_grad():
        outs = module(*inputs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    entry = {'stage': stage, 'file': f'{stage}.onnx', 'seed': seed, 'inputs': {}, 'outputs': {}}
    for kind, names, tensors in (('inputs', in_names, inputs), ('outputs', out_names, outs)):
        for name, t in zip(names, tensors):
            fname = f'{stage}.{kind[:-1]}.{name}.f32'
            t.detach().cpu().numpy().astype('<f4').tofile(os.path.join(folder, fname))
            entry[kind][name] = {'file': fname, 'shape': list(t.shape)}
    with open(os.path.join(folder, f'{stage}.json'), 'w') as f:
        json.dump(entry, f, indent=2)
    return entry


# the config sections that shape each network (the mapping's width follows the VAE's latent)
SECTIONS = {'E_A': ('vae',), 'G_B': ('vae',), 'T': ('vae', 'map'), 'detector': ('detect',), 'tone': ('tone',)}


def _mismatch(sources, cfg):
    """'net: section' of every network whose weights were built with another config section than `cfg`'s."""
    return [f'{k}: {s} {json.dumps(src["model"].get(s))} vs {json.dumps(cfg["model"].get(s))}'
            for k, src in sources.items() if 'model' in src for s in SECTIONS[k] if src['model'].get(s) != cfg['model'].get(s)]


def swap_into_place(tmp, out):
    """Renames the finished folder over `out` (the old one moves aside first and is then deleted)."""
    old = None
    if os.path.lexists(out):
        old = f'{out}.old-{os.getpid()}'
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except OSError:
        if old:
            os.replace(old, out)
        raise
    if old:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- main, step by step

def parse_args(argv):
    ap = argparse.ArgumentParser(prog='training.export', description=__doc__.split('\n')[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--weights', help='final.pt, a checkpoint or weights/<stage>.pt; a comma list is merged left to right')
    src.add_argument('--run-dir', help='a training run folder: uses RUN/weights/final.pt')
    src.add_argument('--random-init', action='store_true', help='random weights (contract tests, benchmarks)')
    ap.add_argument('--config', help='experiment config; defaults to the config stored with the weights')
    ap.add_argument('--out', default=os.path.join('resources', 'models'))
    ap.add_argument('--model-id')
    ap.add_argument('--parity', nargs='?', const='', default=None, metavar='DIR',
                    help='also write parity fixtures (default folder: <out>/parity)')
    ap.add_argument('--seed', type=int, default=0, help='seed of --random-init weights and of the parity inputs')
    return ap.parse_args(argv)


def weight_paths(args):
    """The weight files to merge, left to right (none for --random-init); each must exist."""
    paths = []
    if args.run_dir:
        paths = [os.path.join(args.run_dir, 'weights', 'final.pt')]
    elif args.weights:
        paths = [p for p in args.weights.split(',') if p]
    for p in paths:
        if not os.path.isfile(p):
            raise SystemExit(f'weights file not found: {p}')
    return paths


def choose_config(args, sources, stored_cfg):
    """--config, checked against every network's own config, else the config stored with the weights."""
    if args.config:
        cfg = load_config_or_exit(args.config)
        # checked per network: a set merged from runs of different configs is fine when each network fits
        bad = _mismatch(sources, cfg)
        if bad:
            raise SystemExit(f'--config {args.config} describes other networks than the weights were trained with: '
                             f'{"; ".join(bad)} (omit --config to use the weights\' own config)')
        return cfg
    if stored_cfg is not None:
        return stored_cfg
    raise SystemExit('--config is required when the weights carry no config')


def detect_settings(cfg):
    """(pyramid or None, mirrors) of the config's export section, checked; warns when the engine's latent masks
    would be dilated unlike training's."""
    pyramid = pyramid_spec(cfg['export']['pyramid']) if cfg['export'].get('pyramid') else None
    mirrors = cfg['export'].get('mirrors', 1)
    check_mirrors(mirrors)
    if cfg['export']['dilate'] != cfg['train']['dilate']:
        print(f'warning: export.dilate = {cfg["export"]["dilate"]} but the mapping was trained with masks dilated by '
              f'train.dilate = {cfg["train"]["dilate"]} px; the engine will build latent masks unlike training\'s',
              file=sys.stderr)
    return pyramid, mirrors


def build_nets(args, cfg, state, sources, paths):
    """The config's networks in eval mode, holding the merged weights (or, with --random-init, random ones)."""
    torch.manual_seed(args.seed)
    nets = build_models(cfg)
    if not args.random_init:
        missing = [k for k in INFERENCE_NETS if k not in state and k not in OPTIONAL_NETS]
        if missing:
            raise SystemExit(f'no weights for {missing} in {", ".join(paths)}; add the file that has them '
                             '(e.g. --weights RUN/weights/final.pt,DET_RUN/weights/detect.pt)')
        for k in [k for k in INFERENCE_NETS if k in state]:
            try:
                nets[k].load_state_dict(state[k])
            except RuntimeError as err:
                raise SystemExit(f'weights for {k} from {sources[k]["file"]} do not fit the config\'s network: {err}')
            if not sources[k]['trained']:
                print(f'warning: {k} comes from {sources[k]["file"]}, whose record shows no stage that trains it '
                      f'({"/".join(sorted(TRAINED_BY[k]))}); pass the file that trained it if it was trained elsewhere',
                      file=sys.stderr)
    elif 'tone' in nets:
        # random weights through and through: a zero-initialised output layer would make the tone an identity
        nn.init.normal_(nets['tone'].head[-1].weight, std=0.02)
    for k in INFERENCE_NETS:
        nets[k].eval()
    return nets


def staging(args):
    """(out, the staging folder beside it, parity folder or None, where parity files are written): the set is
    written beside --out and renamed into place; parity inside the set goes into the staged copy."""
    out = os.path.abspath(args.out)
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f'.{os.path.basename(out)}.tmp-{os.getpid()}')
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    parity = parity_write = None
    if args.parity is not None:
        parity = os.path.abspath(args.parity) if args.parity else os.path.join(out, 'parity')
        if os.path.commonpath([parity, out]) == out:  # inside the model folder: write it into the staged copy
            parity_write = os.path.join(tmp, os.path.relpath(parity, out))
        else:
            parity_write = parity
            shutil.rmtree(parity, ignore_errors=True)
    return out, tmp, parity, parity_write


def export_stages(cfg, nets, exported, with_tone, tmp, seed, parity_write):
    """Each stage's ONNX file (and parity fixtures) → (manifest stage entries with MACs, parity index)."""
    specs = stage_specs(cfg, with_tone)
    stages, parity_index = {}, {}
    for stage in exported:
        _net, ins, outs, in_shapes, out_shapes, mult, grey = specs[stage]
        module = stage_module(stage, nets, with_tone)
        module.eval()
        inputs = example_inputs(stage, cfg, seed, tone=with_tone)
        path = os.path.join(tmp, f'{stage}.onnx')
        export_onnx(module, inputs, path, ins, outs, out_shapes)
        stages[stage] = {
            'file': f'{stage}.onnx', 'sha256': sha256_file(path), 'bytes': os.path.getsize(path),
            'inputs': in_shapes, 'outputs': out_shapes, 'spatialMultiple': mult,
            'normalisation': {'range': [-1, 1], 'grayscale': grey},
        }
        if parity_write is not None:
            parity_index[stage] = write_parity(parity_write, stage, module, inputs, ins, outs, seed)
    for stage, v in macs(nets, cfg).items():
        stages[stage]['macsPerPixel'] = v
    if with_tone:  # once per photo, whatever its size
        stages['tone']['macsPerPhoto'] = round(count_macs_per_pixel(nets['tone'], torch.zeros(1, 3, THUMB, THUMB)) * THUMB * THUMB)
    return stages, parity_index


def model_id_of(args, cfg, stages, exported):
    digest = hashlib.sha256(''.join(stages[s]['sha256'] for s in exported).encode()).hexdigest()[:10]
    return args.model_id or (f'{cfg["name"]}-random-init-{digest}' if args.random_init
                             else f'heirloom-{cfg["name"]}-{datetime.date.today():%Y%m%d}-{digest}')


def training_record(args, cfg, nets, paths, sources, info, with_tone):
    """The manifest's `training`: the config, where each network came from, steps and seconds per stage (from the
    weights, else the logs beside them), the photos, parameter counts and the exporter."""
    log_dirs = sorted({os.path.dirname(os.path.abspath(p)) for p in paths} |
                      {os.path.dirname(os.path.dirname(os.path.abspath(p))) for p in paths})
    log_steps, log_secs, log_data = read_logs(log_dirs) if paths else ({}, {}, {})
    steps = {**log_steps, **info['steps']}
    seconds = {**log_secs, **info['seconds']}
    data = {**log_data, **(info.get('data') or {})}
    return {
        'randomInit': bool(args.random_init),
        'config': cfg,
        'configFile': args.config,
        'weights': [{'net': k, **{f: v for f, v in sources[k].items() if f != 'model'}} for k in INFERENCE_NETS if k in sources],
        'stages': {s: {'steps': steps.get(s), 'seconds': round(seconds[s], 1) if s in seconds else None}
                   for s in STAGE_ORDER if s in steps or s in seconds},
        'device': info.get('device'),
        'torch': info.get('torch'),
        'data': {'images': data, 'root': 'shared/datasets ({})'.format(
            ', '.join(f'{k}: {cfg["data"][k]}/' for k in ('clean', 'old'))),
                 **({'extra': cfg['data']['clean_extra']} if cfg['data']['clean_extra'] else {})} if data else None,
        'parameters': {k: sum(p.numel() for p in nets[k].parameters()) for k in INFERENCE_NETS
                       if k != 'tone' or with_tone},
        'exportedAt': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'exportedWith': {'torch': torch.__version__, 'opset': OPSET},
    }


def build_manifest(model_id, cfg, stages, pyramid, mirrors, training):
    e = cfg['export']
    return {
        'format': 1,
        'modelId': model_id,
        'latentChannels': latent_channels(cfg),
        'stages': stages,
        'detect': {'threshold': e['threshold'], 'workingLongSide': e['workingLongSide'], 'dilate': e['dilate'],
                   **({'pyramid': pyramid} if pyramid else {}), **({'mirrors': mirrors} if mirrors > 1 else {})},
        'tiling': {'tile': e['tile'], 'overlap': e['overlap']},
        'macsPerPixel': round(sum(s['macsPerPixel'] for s in stages.values() if 'macsPerPixel' in s), 1),
        'training': training,
        'metrics': {},
        'licence': LICENCE,
    }


def kept_metrics(out, stages):
    """The previous set's metrics when its ONNX files are byte-identical to these (training.evaluate measured them),
    else {}."""
    previous = os.path.join(out, 'manifest.json')
    if os.path.isfile(previous):
        try:
            with open(previous) as f:
                old = json.load(f)
            if set(old['stages']) == set(stages) and all(old['stages'][s]['sha256'] == stages[s]['sha256'] for s in stages):
                return old.get('metrics') or {}
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return {}


def write_set(out, tmp, manifest, parity_write, parity_index, exported):
    """The manifest, the parity index and the model card into the staged folder, then the folder into place."""
    stages, model_id = manifest['stages'], manifest['modelId']
    with open(os.path.join(tmp, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    if parity_write is not None:
        with open(os.path.join(parity_write, 'index.json'), 'w') as f:
            json.dump({'modelId': model_id, 'tolerance': 1e-3,
                       'sha256': {s: stages[s]['sha256'] for s in exported},
                       'stages': parity_index}, f, indent=2)
    card = os.path.join(out, 'README.md')
    if os.path.isfile(card):  # the model card is written by people; a re-export must not drop it
        shutil.copy2(card, os.path.join(tmp, 'README.md'))
    swap_into_place(tmp, out)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(max(1, min(torch.get_num_threads(), 2)))
    paths = weight_paths(args)
    state, sources, info, stored_cfg = load_weight_files(paths) if paths else ({}, {}, {'steps': {}, 'seconds': {}}, None)
    cfg = choose_config(args, sources, stored_cfg)
    pyramid, mirrors = detect_settings(cfg)
    nets = build_nets(args, cfg, state, sources, paths)
    with_tone = 'tone' in state or bool(args.random_init)
    exported = [s for s in STAGE_ORDER_EXPORT if s != 'tone' or with_tone]

    out, tmp, parity, parity_write = staging(args)
    try:
        stages, parity_index = export_stages(cfg, nets, exported, with_tone, tmp, args.seed, parity_write)
        model_id = model_id_of(args, cfg, stages, exported)
        manifest = build_manifest(model_id, cfg, stages, pyramid, mirrors,
                                  training_record(args, cfg, nets, paths, sources, info, with_tone))
        manifest['metrics'] = kept_metrics(out, stages)
        write_set(out, tmp, manifest, parity_write, parity_index, exported)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    total = sum(s['bytes'] for s in stages.values())
    sizes = ', '.join('%s.onnx %.2f MB' % (s, stages[s]['bytes'] / 1e6) for s in exported)
    print(f'exported {model_id} to {out}: {sizes} ({total / 1e6:.2f} MB, {manifest["macsPerPixel"]:.0f} MACs/pixel)')
    if parity is not None:
        print(f'parity fixtures in {parity}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
