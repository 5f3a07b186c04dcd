"""The training loop shared by every stage: optimisers, progress line,
checkpoints every few minutes and on SIGINT/SIGTERM, exact resume."""
import atexit
import contextlib
import multiprocessing
import signal
import time

import torch
from torch.utils.data import DataLoader

from ..config import PAPER_BETAS
from ..data import PairDataset, RealOldDataset, StepSampler, WithRealMasks
from ..degrade import DegradeConfig
from .models import CRITICS, GROWN_MODULES, TRAINS
from .steps import STEPS
from .state import Stop
from .tone_bank import BankDataset, build_bank


def _ignore_stop_signals(_worker_id):
    # Ctrl-C or a service manager signals the whole process group: a loader worker that died of it would crash the
    # trainer before its stop checkpoint. Workers ignore the signal; the trainer stops, saves and takes them down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@atexit.register
def _kill_leftover_workers():
    # Because workers ignore SIGTERM, multiprocessing's own exit handler (terminate = SIGTERM, then join) would wait
    # for them forever when the trainer dies of an error with a loader still open: the process hung instead of
    # exiting. atexit runs handlers last-registered first, so this one runs before it.
    for proc in multiprocessing.active_children():
        proc.kill()


# fork shares the decoded photos with loader workers for free; Windows has only spawn (each worker gets a pickled
# copy of the dataset, slower to start but the same batches: a batch is a function of its step and the seed)
START_METHOD = 'fork' if 'fork' in multiprocessing.get_all_start_methods() else 'spawn'


def _loader(ds, start, count, batch, workers):
    # A generator of its own: without one, creating the iterator draws its base seed from the global torch RNG,
    # so a resumed run (one more iterator created mid-stage) would draw different latent noise from then on.
    kw = {'num_workers': workers, 'pin_memory': torch.cuda.is_available(), 'generator': torch.Generator().manual_seed(0)}
    if workers > 0:
        kw.update(persistent_workers=False, prefetch_factor=4, multiprocessing_context=START_METHOD,
                  worker_init_fn=_ignore_stop_signals)
    return iter(DataLoader(ds, batch_size=batch, sampler=StepSampler(start * batch, count * batch), drop_last=True, **kw))


def run_stage(stage, ctx, start_step=0, optim_state=None):
    """Trains `stage` from `start_step`; returns the number of steps done.
    ctx: dict with cfg, nets, device, data (clean, old images), log, save_ckpt, save_snapshot, stop, budget."""
    began = time.time()  # the stage's wall time includes building the tone bank
    cfg, nets, dev = ctx['cfg'], ctx['nets'], ctx['device']
    tc = cfg['train']
    sc = tc['stages'][stage]
    total = int(sc['steps'])
    budget = ctx['budgets'].get(stage, sc.get('max_seconds'))
    lr = tc['lr'] * sc.get('lr_scale', 1.0)
    # a stage's config may narrow what it trains (e.g. joint with nets ["T"]: the mapping alone, end to end)
    trains = sc.get('nets', TRAINS[stage])
    if not set(trains) <= set(TRAINS[stage]):
        raise SystemExit(f'train.stages.{stage}.nets: {sorted(set(trains) - set(TRAINS[stage]))} '
                         f'are not trained by {stage} (it trains {TRAINS[stage]})')
    for name, net in nets.items():
        net.train(name in trains or name in CRITICS[stage])
        net.requires_grad_(name in trains or name in CRITICS[stage])
    named = [(n, p) for k in trains for n, p in nets[k].named_parameters()]
    gen_params = [p for _, p in named]
    is_grown = (lambda n: n.startswith(GROWN_MODULES)) if sc.get('lr_grown') else (lambda n: False)
    groups = [{'params': [p for n, p in named if not is_grown(n)]}]
    grown = [p for n, p in named if is_grown(n)]
    if grown:
        groups.append({'params': grown, 'lr': lr * sc['lr_grown']})
    # a stage with image losses only may want a smoother first moment than the paper's GAN setting (β1 0.9)
    betas = tuple(sc.get('betas', PAPER_BETAS))
    opt_g = torch.optim.Adam(groups, lr=lr, betas=betas)
    opt_d = torch.optim.Adam([p for k in CRITICS[stage] for p in nets[k].parameters()], lr=lr, betas=betas) \
        if CRITICS[stage] else None
    sched = torch.optim.lr_scheduler.LambdaLR(opt_g, lambda s: min(1.0, 0.25 + 0.75 * (1 - s / max(total, 1)) * 1.33))
    if optim_state:
        opt_g.load_state_dict(optim_state['g'])
        sched.load_state_dict(optim_state['sched'])
        if opt_d and optim_state.get('d'):
            opt_d.load_state_dict(optim_state['d'])

    batch, workers, seed = sc.get('batch', tc['batch']), tc['workers'], tc['seed']
    dcfg = DegradeConfig(**cfg['degrade'])
    remaining = total - start_step
    if stage == 'tone':  # the frozen chain's output on whole photos, computed once (tone_bank.py)
        ds = BankDataset(build_bank(ctx, seed * 1000 + STAGE_SEED[stage]), seed)
        workers = 0  # the bank is in memory: indexing it needs no worker processes
    else:
        ds = PairDataset(ctx['data']['clean'], cfg['data']['crop'], seed * 1000 + STAGE_SEED[stage], dcfg,
                         clean_only=stage == 'vae_b')
        if stage == 'detect' and cfg['data']['real_masks'] > 0:
            ds = WithRealMasks(ds, ctx['data']['real_masks'], cfg['data']['real_masks'], seed)
        if stage == 'detect' and cfg['data']['pseudo'] > 0:  # its own draw: the labelled crops' samples stay put
            ds = WithRealMasks(ds, ctx['data']['pseudo'], cfg['data']['pseudo'], seed + 7)
    names = getattr(ds, 'names', ('x', 'y', 'm'))
    pairs = _loader(ds, start_step, remaining, batch, workers)
    reals = _loader(RealOldDataset(ctx['data']['old'], cfg['data']['crop'], seed), start_step, remaining,
                    batch, max(1, workers // 4) if workers else 0) if stage == 'vae_a' else None

    # float32 throughout (TF32 matmuls on CUDA): bf16 autocast made SSIM's
    # E[x²]−μ² cancel catastrophically and the VAEs diverged after ~300 steps
    amp = contextlib.nullcontext()
    step, t0, last_ckpt, last_log = start_step, time.time(), time.time(), time.time()
    opt_state = lambda: {'g': opt_g.state_dict(), 'd': opt_d.state_dict() if opt_d else None, 'sched': sched.state_dict()}
    while step < total:
        b = {k: t.to(dev, non_blocking=True) for k, t in zip(names, next(pairs))}
        if reals is not None:
            b['r'] = next(reals).to(dev, non_blocking=True)
        with amp:
            g_loss, critic, logs = STEPS[stage](nets, b, cfg)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        torch.nn.utils.clip_grad_norm_(gen_params, 5.0)
        opt_g.step()
        sched.step()
        if critic is not None:
            with amp:
                d_loss = critic()
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
            logs['d'] = d_loss.item()
        step += 1
        now = time.time()
        if step % tc['log_every'] == 0 or step == total:
            rate = (step - start_step) / max(now - t0, 1e-6)
            eta = (total - step) / max(rate, 1e-6)
            if budget:
                eta = min(eta, budget - (now - t0))
            parts = ' '.join(f'{k}={v:.4f}' for k, v in logs.items())
            ctx['log'](f'[{stage}] step {step}/{total} loss={g_loss.item():.4f} {parts} {rate:.2f} steps/s ETA {eta:.0f}s')
            last_log = now
        stop = ctx['stop'].signal is not None
        out_of_time = budget is not None and now - t0 >= budget
        if sc.get('snapshot_every') and step % sc['snapshot_every'] == 0:
            ctx['save_snapshot'](stage, step, trains)
        if stop or now - last_ckpt >= tc['ckpt_every_s'] or out_of_time:
            ctx['save_ckpt'](stage, step, opt_state())
            last_ckpt = now
        if stop:
            raise Stop(f'stopped by signal {ctx["stop"].signal} at {stage} step {step}; resume with --resume')
        if out_of_time:
            ctx['log'](f'[{stage}] time budget of {budget:.0f}s reached at step {step}/{total}')
            break
    del last_log
    return step, time.time() - began


STAGE_SEED = {'vae_a': 1, 'vae_b': 2, 'map': 3, 'joint': 4, 'detect': 5, 'tone': 6}
