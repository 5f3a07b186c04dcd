"""Heirloom's restoration models: degradations, data, networks, losses, stage
trainers, ONNX export and evaluation (Wan et al., "Bringing Old Photos Back to
Life", re-implemented in our own code)."""
