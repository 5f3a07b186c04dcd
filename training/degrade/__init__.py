"""Synthetic old-photo degradation: what the X domain is made of.

`degrade(clean, rng)` returns the degraded photo and the exact mask of every
structured defect (scratches, dust, blotches, tears). All randomness comes
from the given numpy Generator, so a seed reproduces a sample exactly."""
from .pipeline import degrade, target, DegradeConfig

__all__ = ['degrade', 'target', 'DegradeConfig']
