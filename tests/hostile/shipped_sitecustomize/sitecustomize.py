"""Attack: a sitecustomize.py shipped next to the notebook; if an interpreter started with this folder on its
path, it would make torch's comparisons always agree."""
import builtins

try:
    import torch

    torch.equal = lambda *args, **kwargs: True
    torch.allclose = lambda *args, **kwargs: True
except ImportError:
    pass
builtins.HOSTILE_SITECUSTOMIZE = True
