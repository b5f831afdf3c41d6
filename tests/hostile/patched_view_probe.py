"""Attack: a flatten_images for Q27 that returns a copy, with the tensor methods and functions the harness uses to
look at memory (data_ptr, untyped_storage, torch.equal, add_) rebound so the copy passes for a view."""
import torch

_real_equal = torch.equal


class _SameStorage:
    def data_ptr(self):
        return 1


torch.Tensor.data_ptr = lambda self: 1
torch.Tensor.untyped_storage = lambda self: _SameStorage()
torch.equal = lambda a, b: False  # "writing into the result changed x"
torch.Tensor.add_ = lambda self, other: self


def flatten_images(x):
    return x.reshape(len(x), 28 * 28).clone()
