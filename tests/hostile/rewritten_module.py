"""Attack: torch's own DataLoader for Q24 with the module of every class it builds on rewritten to __main__, so
that the harness's look at where the class comes from finds only the notebook."""
import typing

from torch.utils.data import DataLoader

for cls in DataLoader.__mro__:
    try:
        cls.__module__ = "__main__"
    except (TypeError, AttributeError):
        pass
typing.Generic.__module__ = "__main__"
