"""How a run stops and what it saves: the stop signal (SIGINT/SIGTERM, honoured after a checkpoint), the random
generators' state for an exact resume, and files written whole or not at all. Its own module so that the runner and
the tone bank, which both save and stop, need not import each other."""
import os
import random
import signal

import numpy as np
import torch


class Stop(Exception):
    """Raised when a signal asked the run to stop (after a checkpoint)."""


class StopFlag:
    def __init__(self):
        self.signal = None
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._set)

    def _set(self, signum, _frame):
        self.signal = signum


def rng_state():
    # numpy's state as plain Python values: a pickled ndarray names numpy's
    # private module path, which differs between numpy 1 and 2, and a
    # checkpoint must resume on either machine.
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state = {'python': random.getstate(), 'numpy': (name, keys.tolist(), int(pos), int(has_gauss), float(cached)),
             'torch': torch.get_rng_state()}
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state):
    random.setstate(state['python'])
    name, keys, pos, has_gauss, cached = state['numpy']
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


def atomic_save(obj, path):
    tmp = path + '.tmp'
    torch.save(obj, tmp)
    os.replace(tmp, path)
