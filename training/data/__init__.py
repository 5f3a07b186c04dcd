from .images import load_folder
from .datasets import PairDataset, PhotoDataset, RealOldDataset, StepSampler, engine_grey, to_tensor, WithRealMasks

__all__ = ['load_folder', 'PairDataset', 'PhotoDataset', 'RealOldDataset', 'StepSampler', 'to_tensor', 'engine_grey',
           'WithRealMasks']
