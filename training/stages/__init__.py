from .models import build_models
from .runner import run_stage

__all__ = ['build_models', 'run_stage']
