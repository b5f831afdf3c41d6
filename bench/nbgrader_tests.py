"""Autograder test cells (plain asserts) for the nbgrader side of ``bench/bulk.py``.

Each questionnaire exercise's code part gets one to three test cells that check what its public tests and hidden
suite check, as far as asserts in the student's own kernel can: values on unseen inputs, edge cases, and the
"how" (a comprehension, no Python loop, autograd rather than a derivative by hand) read from the function's
source.  Choice variables are compared with the key in ``solutions/<id>/key.toml`` (all or nothing: nbgrader has
no partial credit within a cell).  Written answers are not here: nbgrader leaves those to manual grading.

Nothing here imports the grader: the cells must run in a plain kernel with only torch and numpy.  ``HELPERS`` is a
read-only cell placed first in the notebook; its names start with ``_nb`` so student code does not clash with them.
"""
from __future__ import annotations

import textwrap

HELPERS = '''
import ast as _nb_ast
import inspect as _nb_inspect
import pathlib as _nb_pathlib
import random as _nb_random
import tempfile as _nb_tempfile
import textwrap as _nb_textwrap

import numpy as _nb_np
import torch as _nb_torch
import torch.nn.functional as _nb_F

_NB_SAMPLE = {sample!r}


def _nb_close(got, want, atol=1e-5, rtol=1e-4, what="value"):
    assert isinstance(got, _nb_torch.Tensor), f"{{what}}: expected a tensor, got {{type(got).__name__}}"
    assert tuple(got.shape) == tuple(want.shape), f"{{what}}: shape {{tuple(got.shape)}} != {{tuple(want.shape)}}"
    assert _nb_torch.allclose(got.detach().double(), want.detach().double(), atol=atol, rtol=rtol), \\
        f"{{what}}: {{got}} != {{want}}"


def _nb_equal(got, want, what="value"):
    assert isinstance(got, _nb_torch.Tensor), f"{{what}}: expected a tensor, got {{type(got).__name__}}"
    assert got.dtype == want.dtype, f"{{what}}: dtype {{got.dtype}} != {{want.dtype}}"
    assert tuple(got.shape) == tuple(want.shape), f"{{what}}: shape {{tuple(got.shape)}} != {{tuple(want.shape)}}"
    assert _nb_torch.equal(got, want), f"{{what}}: {{got}} != {{want}}"


def _nb_tree(fn):
    """The AST of a function defined in the notebook (IPython keeps every cell's source for inspect)."""
    return _nb_ast.parse(_nb_textwrap.dedent(_nb_inspect.getsource(fn)))


def _nb_has(fn, *kinds):
    return any(isinstance(n, kinds) for n in _nb_ast.walk(_nb_tree(fn)))


def _nb_names(fn):
    """Every attribute and name used in a function's source."""
    out = set()
    for n in _nb_ast.walk(_nb_tree(fn)):
        if isinstance(n, _nb_ast.Attribute):
            out.add(n.attr)
        elif isinstance(n, _nb_ast.Name):
            out.add(n.id)
    return out


_NB_LOOPS = (_nb_ast.For, _nb_ast.While, _nb_ast.ListComp, _nb_ast.SetComp, _nb_ast.DictComp, _nb_ast.GeneratorExp)
'''

# exercise id -> [(weight, source)]; weights are shares of the exercise's runnable points (code + choice).
CODE: dict[str, list[tuple[float, str]]] = {
    "q01": [(0.6, '''
for h, w in [(2, 3), (3, 5), (28, 28), (7, 3)]:
    img = _nb_torch.randint(0, 256, (h, w), dtype=_nb_torch.uint8)
    d = describe_image(img)
    assert (d["channels"], d["height"], d["width"]) == (1, h, w), d
    img = _nb_torch.randint(0, 256, (h, w, 3), dtype=_nb_torch.uint8)
    d = describe_image(img)
    assert (d["channels"], d["height"], d["width"]) == (3, h, w), d
'''), (0.4, '''
img = _nb_torch.tensor([[10, 20, 30], [40, 50, 60], [70, 80, 90]], dtype=_nb_torch.uint8)
d = describe_image(img)
assert d["dtype"] == "uint8" and d["min"] == 10 and d["max"] == 90 and type(d["min"]) is int, d
f = _nb_torch.rand(4, 5, 3) * 0.5 + 0.25
d = describe_image(f)
assert d["dtype"] == "float32" and type(d["max"]) is float, d
assert abs(d["min"] - f.min().item()) < 1e-7 and abs(d["max"] - f.max().item()) < 1e-7, d
assert set(d) == {"channels", "height", "width", "dtype", "min", "max"}, sorted(d)
''')],
    "q02": [(0.5, '''
def _nb_make(counts, extra=False):
    root = _nb_pathlib.Path(_nb_tempfile.mkdtemp())
    (root / "labels.csv").write_text("name,label\\n")
    for split, labels in counts.items():
        for label, n in labels.items():
            (root / split / label).mkdir(parents=True)
            for i in range(n):
                (root / split / label / f"{i}.png").write_bytes(b"png")
            if extra:
                (root / split / label / "notes.txt").write_text("x")
    return root

for counts in [{"train": {"3": 4, "7": 5}, "valid": {"3": 2, "7": 1}},
               {"train": {"3": 11, "7": 3}, "valid": {"3": 6, "7": 9}}]:
    assert count_images(_nb_make(counts)) == counts, count_images(_nb_make(counts))
'''), (0.5, '''
counts = {"train": {"1": 3, "4": 0, "9": 2}, "valid": {"1": 1, "4": 2, "9": 0}, "test": {"1": 2, "4": 1, "9": 1}}
got = count_images(_nb_make(counts, extra=True))
assert got == counts, got
''')],
    "q03": [(0.5, '''
imgs = _nb_torch.rand(5, 6, 4)
_nb_close(mean_image(imgs), imgs.mean(0), what="mean_image")
a, b = _nb_torch.rand(6, 4), _nb_torch.rand(6, 4)
d = mnist_distance(a, b)
assert isinstance(d, _nb_torch.Tensor) and d.ndim == 0, d
_nb_close(d, (a - b).abs().mean(), what="mnist_distance of two images")
_nb_close(mnist_distance(imgs, a), (imgs - a).abs().mean((-1, -2)), what="mnist_distance(batch, image)")
_nb_close(mnist_distance(a, imgs), (imgs - a).abs().mean((-1, -2)), what="mnist_distance(image, batch)")
m3, m7 = _nb_torch.full((3, 3), 0.2), _nb_torch.full((3, 3), 0.8)
x = _nb_torch.stack([_nb_torch.full((3, 3), 0.1), _nb_torch.full((3, 3), 0.9), _nb_torch.full((3, 3), 0.3)])
assert is_3(x, m3, m7).tolist() == [True, False, True]
assert is_3(x, m7, m3).tolist() == [False, True, False]
'''), (0.5, '''
_s = _nb_np.load(_NB_SAMPLE)
_xt = _nb_torch.from_numpy(_s["x_train"]).float() / 255
_yt = _nb_torch.from_numpy(_s["y_train"])
_m3, _m7 = mean_image(_xt[_yt == 3]), mean_image(_xt[_yt == 7])
_xv = _nb_torch.from_numpy(_s["x_valid"]).float() / 255
_pred = is_3(_xv, _m3, _m7)
_acc = (_pred == _nb_torch.from_numpy(_s["y_valid"] == 3)).float().mean().item()
assert _acc >= 0.95, f"accuracy {_acc:.4f} < 0.95"
''')],
    "q04": [(0.6, '''
rng = _nb_random.Random(2024)
for nums in [[rng.randint(-99, 99) for _ in range(rng.randint(1, 30))] for _ in range(25)] + [[], [2, 4, 6]]:
    assert double_odds(list(nums)) == [2 * n for n in nums if n % 2 == 1], nums
'''), (0.4, '''
double_odds([1, 2, 3])  # it must run first
assert _nb_has(double_odds, _nb_ast.ListComp), "no list comprehension"
assert not _nb_has(double_odds, _nb_ast.For, _nb_ast.While), "a for/while loop"
''')],
    "q05": [(0.75, '''
for n, h, w, dtype in [(1, 4, 4, _nb_torch.uint8), (3, 28, 28, _nb_torch.uint8), (5, 2, 7, _nb_torch.float32)]:
    images = [(_nb_torch.rand(h, w) * 200).to(dtype) for _ in range(n)]
    _nb_equal(stack_images(images), _nb_torch.stack(images), what="stack_images")
''')],
    "q06": [(1.0, '''
for shape in [(6131, 28, 28), (1,), (1, 1, 1, 1), (64, 3, 224, 224), (), (0,), (3, 0, 2)]:
    assert type(rank(shape)) is int and rank(shape) == len(shape), shape
assert rank(list((2, 3))) == 2
assert rank(_nb_torch.zeros(2, 3, 4).shape) == 3
assert rank((10**9, 10**9, 10**9)) == 3
assert rank(_nb_torch.Size([10**12, 10**12])) == 2
''')],
    "q07": [(0.7, '''
for shape, dtype, scale in [((4,), _nb_torch.float32, 1.0), ((3, 5), _nb_torch.float64, 100.0),
                            ((2, 28, 28), _nb_torch.float32, 0.01)]:
    a, b = (_nb_torch.randn(shape) * scale).to(dtype), (_nb_torch.randn(shape) * scale).to(dtype)
    _nb_close(l1(a, b), _nb_F.l1_loss(a, b), what="l1")
    _nb_close(rmse(a, b), _nb_F.mse_loss(a, b).sqrt(), what="rmse")
    _nb_close(l1(a, a), _nb_torch.tensor(0.0), what="l1(a, a)")
    _nb_close(rmse(b, a), rmse(a, b), what="rmse is symmetric")
'''), (0.3, '''
l1(_nb_torch.zeros(3), _nb_torch.ones(3)), rmse(_nb_torch.zeros(3), _nb_torch.ones(3))  # they must run first
used = _nb_names(l1) | _nb_names(rmse)
assert not used & {"l1_loss", "mse_loss", "L1Loss", "MSELoss"}, "calls PyTorch's loss functions"
''')],
    "q08": [(0.6, '''
for n in [1, 2, 7]:
    a, b = _nb_torch.rand(n, 28, 28), _nb_torch.rand(n, 28, 28)
    _nb_close(paired_rmse(a, b), ((a - b) ** 2).mean((-1, -2)).sqrt(), what="paired_rmse")
'''), (0.4, '''
paired_rmse(_nb_torch.zeros(1, 28, 28), _nb_torch.ones(1, 28, 28))  # it must run first
assert not _nb_has(paired_rmse, *_NB_LOOPS), "a Python loop or comprehension"
assert "map" not in _nb_names(paired_rmse), "map over the images"
''')],
    "q09": [(0.75, '''
for t in [_nb_torch.arange(1, 10).view(3, 3), _nb_torch.randint(-50, 50, (3, 3)),
          _nb_torch.randint(-50, 50, (3, 3), dtype=_nb_torch.int32), _nb_torch.rand(3, 3),
          _nb_torch.rand(3, 3, dtype=_nb_torch.float64)]:
    _nb_equal(doubled_corner(t), (t * 2)[1:, 1:], what="doubled_corner")
'''), (0.25, '''
t = _nb_torch.arange(1, 10).view(3, 3)
before = t.clone()
doubled_corner(t)
assert _nb_torch.equal(t, before), "doubled_corner changed its input"
''')],
    "q10": [(0.7, '''
for n, h, w in [(1, 28, 28), (6, 28, 28), (4, 5, 9)]:
    batch, mean = _nb_torch.rand(n, h, w), _nb_torch.rand(h, w)
    _nb_close(distances_to_mean(batch, mean), (batch - mean).abs().mean((-1, -2)), what="distances_to_mean")
'''), (0.3, '''
distances_to_mean(_nb_torch.zeros(2, 28, 28), _nb_torch.ones(28, 28))  # it must run first
assert not _nb_has(distances_to_mean, *_NB_LOOPS), "a Python loop or comprehension"
''')],
    "q13": [(0.75, '''
for n, bs in [(7, 3), (10, 5), (1, 4), (0, 3), (12, 1), (9, 10)]:
    xs = list(range(n))
    assert [list(b) for b in batches(xs, bs)] == [xs[i:i + bs] for i in range(0, n, bs)], (n, bs)
t = _nb_torch.rand(10, 2, 2)
got = list(batches(t, 4))
assert [tuple(b.shape) for b in got] == [(4, 2, 2), (4, 2, 2), (2, 2, 2)], [b.shape for b in got]
'''), (0.25, '''
assert _nb_inspect.isgeneratorfunction(batches), "batches does not use yield"
''')],
    "q15": [(0.5, '''
for size, shape in [((784, 1), (784, 1)), (1, (1,)), (5, (5,)), ((2, 3, 4), (2, 3, 4))]:
    p = init_params(size)
    assert isinstance(p, _nb_torch.Tensor) and tuple(p.shape) == shape and p.dtype == _nb_torch.float32, size
    assert p.requires_grad and p.is_leaf, "not a leaf tensor that requires grad"
p = init_params((3, 2))
(p * 2).sum().backward()
assert p.grad is not None and _nb_torch.allclose(p.grad, _nb_torch.full((3, 2), 2.0))
'''), (0.5, '''
a, b = init_params((400, 250)), init_params((400, 250), std=0.25)
assert abs(a.mean().item()) < 0.02 and abs(a.std().item() - 1.0) < 0.02, (a.mean(), a.std())
assert abs(b.mean().item()) < 0.01 and abs(b.std().item() - 0.25) < 0.01, (b.mean(), b.std())
assert not _nb_torch.equal(init_params(10), init_params(10)), "the same numbers twice"
''')],
    "q17": [(0.5, '''
def _nb_path(a, c, x, lr, steps):
    out = [float(x)]
    for _ in range(steps):
        x = x - lr * 2 * a * (x - c)
        out.append(float(x))
    return out

for args in [(1.0, 0.0, 1.5, 0.1, 3), (2.5, -1.0, 4.0, 0.05, 10), (0.5, 3.0, -2.0, 0.3, 6)]:
    got = sgd_quadratic(*args)
    assert isinstance(got, list) and len(got) == args[4] + 1, got
    assert all(abs(float(g) - w) < 1e-4 * max(1, abs(w)) for g, w in zip(got, _nb_path(*args))), (args, got)
'''), (0.5, '''
got = sgd_quadratic(2.0, 1.5, -3.0, 0.05, 100)
assert abs(float(got[-1]) - 1.5) < 1e-3, got[-1]
got = [abs(float(v) - 1.0) for v in sgd_quadratic(1.0, 1.0, 2.0, 1.2, 8)]
assert all(b > a for a, b in zip(got, got[1:])), got
''')],
    "q18": [(0.75, '''
for coeffs, xs in [([0.0, 0.0, 1.0], [3.0, 4.0, 10.0]), ([1.0, -2.0, 0.5, 3.0], [0.0, -1.5, 2.0]),
                   ([4.0], [1.0, 2.0]), ([5.0, -2.0], [0.0, 1.0, 7.5])]:
    x = _nb_torch.tensor(xs)
    want = sum((k * c * x ** (k - 1) for k, c in enumerate(coeffs) if k), _nb_torch.zeros_like(x))
    _nb_close(grad_at(coeffs, x), want, what=f"grad_at({coeffs})")
'''), (0.25, '''
grad_at([1.0, 2.0], _nb_torch.tensor([1.0]))  # it must run first
assert {"backward", "grad"} & _nb_names(grad_at), "autograd is not used"
''')],
    "q20": [(0.75, '''
for preds, targets in [([2.0, -1.0, 0.5, -3.0], [1, 1, 0, 0]), ([0.3, 0.7, -0.2, 4.0, -5.0], [1, 1, 0, 0, 1])]:
    p, t = _nb_torch.tensor(preds, requires_grad=True), _nb_torch.tensor(targets)
    want = ((p.detach() > 0).long() == t).float().mean().item()
    acc, grad = accuracy_and_grad(p, t)
    assert abs(float(acc) - want) < 1e-6, (acc, want)
    _nb_close(grad, _nb_torch.zeros(len(preds)), what="gradient")
p = _nb_torch.tensor([[1.0], [-1.0], [2.0]], requires_grad=True)
acc, grad = accuracy_and_grad(p, _nb_torch.tensor([[1], [1], [0]]))
assert abs(float(acc) - 1 / 3) < 1e-6 and tuple(grad.shape) == (3, 1), (acc, grad)
'''), (0.25, '''
accuracy_and_grad(_nb_torch.tensor([1.0, -1.0], requires_grad=True), _nb_torch.tensor([1, 0]))  # it must run
assert {"backward", "grad"} & _nb_names(accuracy_and_grad), "the gradient is not computed by autograd"
''')],
    "q21": [(0.6, '''
for x in [_nb_torch.tensor([-2.0, 0.0, 2.0]), _nb_torch.randn(4, 5) * 5, _nb_torch.randn(3, dtype=_nb_torch.float64)]:
    _nb_close(sigmoid(x), _nb_torch.sigmoid(x), atol=1e-6, what="sigmoid")
got = sigmoid(_nb_torch.tensor([-1e30, -1000.0, 1000.0, 1e30, float("-inf"), float("inf")]))
assert not _nb_torch.isnan(got).any(), got
_nb_close(got, _nb_torch.tensor([0.0, 0.0, 1.0, 1.0, 0.0, 1.0]), atol=1e-6, what="sigmoid of huge inputs")
'''), (0.4, '''
sigmoid(_nb_torch.tensor([0.0]))  # it must run first
used = _nb_names(sigmoid)
assert "exp" in used, "not written with torch.exp"
assert not {"sigmoid", "expit"} & used, "calls PyTorch's sigmoid"
''')],
    "q23": [(0.6, '''
params = [_nb_torch.tensor([1.0, 2.0], requires_grad=True), _nb_torch.randn(3, 2, requires_grad=True)]
grads = [_nb_torch.tensor([10.0, -10.0]), _nb_torch.randn(3, 2)]
before = [p.detach().clone() for p in params]
ptrs = [p.data_ptr() for p in params]
for p, g in zip(params, grads):
    p.grad = g.clone()
sgd_step(params, 0.1)
for p, b, g, ptr in zip(params, before, grads, ptrs):
    _nb_close(p.detach(), b - 0.1 * g, what="the stepped weights")
    assert p.data_ptr() == ptr and p.requires_grad, "not updated in place"
    assert p.grad is None or p.grad.abs().max().item() == 0, "gradient not reset"
'''), (0.4, '''
lin = _nb_torch.nn.Linear(3, 2)
lin(_nb_torch.randn(4, 3)).sum().backward()
want = [(p - 0.5 * p.grad).detach().clone() for p in lin.parameters()]
sgd_step(lin.parameters(), 0.5)
for p, w in zip(lin.parameters(), want):
    _nb_close(p.detach(), w, what="nn.Linear parameter")
    assert p.grad is None or p.grad.abs().max().item() == 0
''')],
    "q24": [(0.6, '''
assert not DataLoader.__module__.startswith("torch"), "PyTorch's DataLoader rather than your own"
x, y = _nb_torch.arange(7.0), _nb_torch.arange(7) * 10
ds = list(zip(x, y))
dl = DataLoader(ds, batch_size=3)
for _ in range(2):
    got = list(dl)
    assert len(got) == 3, len(got)
    for (xb, yb), (i, j) in zip(got, [(0, 3), (3, 6), (6, 7)]):
        _nb_equal(xb, x[i:j], what="xb")
        _nb_equal(yb, y[i:j], what="yb")

class _NbOnlyIndex:
    def __len__(self):
        return 5
    def __getitem__(self, i):
        if not 0 <= i < 5:
            raise IndexError(i)
        return _nb_torch.tensor([float(i)]), i % 2

got = list(DataLoader(_NbOnlyIndex(), batch_size=2))
assert len(got) == 3 and isinstance(got[0][1], _nb_torch.Tensor), got
assert got[2][0].tolist() == [[4.0]] and got[0][1].tolist() == [0, 1], got
'''), (0.4, '''
x = _nb_torch.arange(20.0)
dl = DataLoader(list(zip(x, x * 2)), batch_size=6, shuffle=True)
orders = []
for _ in range(3):
    xs = _nb_torch.cat([xb for xb, _ in dl])
    assert sorted(xs.tolist()) == x.tolist(), "not every item once"
    orders.append(xs.tolist())
assert len({tuple(o) for o in orders}) > 1, "the same order every epoch"
assert orders[0] != x.tolist() or orders[1] != x.tolist(), "never shuffled"
''')],
    "q25": [(1.0, '''
def _nb_mnist_loss(p, t):
    p = p.sigmoid()
    return _nb_torch.where(t == 1, 1 - p, p).mean()

class _NbOpt:
    def __init__(self, params, lr):
        self.params, self.lr, self.log = list(params), lr, []
    def step(self):
        self.log.append([p.grad.detach().clone() for p in self.params])
        for p in self.params:
            p.data -= self.lr * p.grad.data
    def zero_grad(self):
        for p in self.params:
            p.grad = None

x = _nb_torch.linspace(-2, 2, 40).view(40, 1)
y = (x > 0).float()
model = _nb_torch.nn.Linear(1, 1)
with _nb_torch.no_grad():
    model.weight.fill_(-0.5)
    model.bias.fill_(0.0)
dl = [(x[i:i + 10], y[i:i + 10]) for i in range(0, 40, 10)]
opt = _NbOpt(model.parameters(), 1.0)
start = _nb_mnist_loss(model(x), y).item()
for epoch in range(3):
    w0 = [p.detach().clone() for p in model.parameters()]
    n0 = len(opt.log)
    train_epoch(model, dl, _nb_mnist_loss, opt)
    assert len(opt.log) - n0 == 4, f"{len(opt.log) - n0} steps for 4 batches"
    ref = _nb_torch.nn.Linear(1, 1)
    with _nb_torch.no_grad():
        ref.weight.copy_(w0[0])
        ref.bias.copy_(w0[1])
    for k, (xb, yb) in enumerate(dl):
        ref.zero_grad()
        _nb_mnist_loss(ref(xb), yb).backward()
        for g, p in zip(opt.log[n0 + k], ref.parameters()):
            _nb_close(g, p.grad, atol=1e-5, what="a step's gradient")
        with _nb_torch.no_grad():
            for p in ref.parameters():
                p -= p.grad
assert _nb_mnist_loss(model(x), y).item() < start, "the loss did not fall"
''')],
    "q26": [(1.0, '''
for a, b in [([1, 2, 3, 4], "abcd"), ((5, 5, 6), [True, False, True]), ("xyz", "abc")]:
    assert pair_up(a, b) == list(zip(a, b)), (a, b)
assert pair_up([1, 2, 3], "ab") == [(1, "a"), (2, "b")]
assert pair_up("ab", [1, 2, 3]) == [("a", 1), ("b", 2)]
assert pair_up([], [1, 2]) == [] and pair_up([1], []) == []
x, y = _nb_torch.rand(4, 3), _nb_torch.tensor([1, 0, 1, 1])
got = pair_up(x, y)
assert isinstance(got, list) and len(got) == 4 and all(_nb_torch.equal(g[0], x[i]) and g[1] == y[i]
                                                      for i, g in enumerate(got))
''')],
    "q27": [(0.5, '''
for n, dtype in [(1, _nb_torch.float32), (2, _nb_torch.float32), (5, _nb_torch.uint8), (3, _nb_torch.float64)]:
    x = (_nb_torch.rand(n, 28, 28) * 100).to(dtype)
    _nb_equal(flatten_images(x), x.reshape(n, 784), what="flatten_images")
'''), (0.5, '''
x = _nb_torch.zeros(3, 28, 28)
out = flatten_images(x)
out[1, 30] = 7.0
assert x[1, 1, 2].item() == 7.0, "the result is a copy, not a view"
assert tuple(x.shape) == (3, 28, 28), "x changed shape"
''')],
    "q28": [(1.0, '''
for n, k, m, dtype in [(4, 3, 1, _nb_torch.float32), (5, 7, 3, _nb_torch.float32), (2, 4, 2, _nb_torch.float64)]:
    xb, w, b = (_nb_torch.randn(n, k, dtype=dtype), _nb_torch.randn(k, m, dtype=dtype), _nb_torch.randn(m, dtype=dtype))
    _nb_close(linear1(xb, w, b), xb @ w + b, what="linear1")
    _nb_equal(linear1(_nb_torch.zeros(n, k, dtype=dtype), w, b), b.expand(n, m).clone(), what="zero input")
    _nb_close(linear1(xb[0], w, b), xb[0] @ w + b, what="one input of shape (k,)")
''')],
    "q29": [(0.6, '''
for n, k, m in [(2, 3, 2), (5, 784, 1), (4, 4, 4), (1, 6, 3)]:
    xb, w = _nb_torch.randn(n, k), _nb_torch.randn(k, m)
    _nb_close(batch_matmul(xb, w), xb @ w, atol=1e-4, what="batch_matmul")
assert not _nb_has(batch_matmul, *_NB_LOOPS), "a Python loop"
'''), (0.4, '''
cases = [((64, 784), (784, 1), (64, 1)), ((64, 784), (1, 784), None), ((3, 5), (5, 2), (3, 2)),
         ((3,), (3, 4), (4,)), ((2, 3), (3,), (2,)), ((3,), (3,), ()), ((3,), (4,), None), ((2, 3), (2, 3), None)]
for a, b, want in cases:
    got = matmul_shape(a, b)
    assert (got is None if want is None else tuple(got) == want), (a, b, got)
''')],
    "q30": [(1.0, '''
def _nb_grads(w, b, xb, yb):
    w, b = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    p = (xb @ w + b).sigmoid()
    _nb_torch.where(yb == 1, 1 - p, p).mean().backward()
    return w.grad, b.grad

for n, k, dtype, scale in [(2, 2, _nb_torch.float32, 1.0), (6, 5, _nb_torch.float32, 1.0),
                           (1, 4, _nb_torch.float32, 1.0), (5, 3, _nb_torch.float64, 10.0)]:
    w = (_nb_torch.randn(k, 1, dtype=dtype) * scale).requires_grad_()
    b = _nb_torch.randn(1, dtype=dtype).requires_grad_()
    xb, yb = _nb_torch.randn(n, k, dtype=dtype), _nb_torch.randint(0, 2, (n, 1))
    want = _nb_grads(w, b, xb, yb)
    got = grads_of_loss(w, b, xb, yb)
    assert isinstance(got, (list, tuple)) and len(got) == 2, got
    _nb_close(got[0], want[0], what="dloss/dw")
    _nb_close(got[1], want[1], what="dloss/db")
''')],
    "q31": [(1.0, '''
def _nb_one(w, b, xb, yb):
    w, b = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    p = (xb @ w + b).sigmoid()
    _nb_torch.where(yb == 1, 1 - p, p).mean().backward()
    return w.grad, b.grad

w0, b0 = _nb_torch.randn(3, 1), _nb_torch.randn(1)
batches_ = [(_nb_torch.randn(4, 3), _nb_torch.randint(0, 2, (4, 1))),
            (_nb_torch.randn(5, 3), _nb_torch.randint(0, 2, (5, 1)))]
g1, g2 = _nb_one(w0, b0, *batches_[0]), _nb_one(w0, b0, *batches_[1])
for zero, want in [(False, (g1[0] + g2[0], g1[1] + g2[1])), (True, g2)]:
    got = two_backward_calls(w0.clone().requires_grad_(), b0.clone().requires_grad_(), batches_, zero)
    _nb_close(got[0], want[0], what=f"w.grad (zero_between={zero})")
    _nb_close(got[1], want[1], what=f"b.grad (zero_between={zero})")
''')],
    "q33": [(0.6, '''
class _NbSGD:
    def __init__(self, params, lr):
        self.params, self.lr, self.steps = list(params), lr, 0
    def step(self):
        self.steps += 1
        for p in self.params:
            p.data -= self.lr * p.grad.data
    def zero_grad(self):
        for p in self.params:
            p.grad = None

class _NbLoader:
    def __init__(self, x, y, bs):
        self.x, self.y, self.bs, self.passes = x, y, bs, 0
    def __iter__(self):
        self.passes += 1
        for i in range(0, len(self.x), self.bs):
            yield self.x[i:i + self.bs], self.y[i:i + self.bs]

gen = _nb_torch.Generator().manual_seed(0)
x = _nb_torch.randn(50, 3, generator=gen)
y = x @ _nb_torch.tensor([[1.5], [-2.0], [0.5]]) + 0.3
model = _nb_torch.nn.Linear(3, 1)
mse = lambda p, t: ((p - t) ** 2).mean()
start = mse(model(x), y).item()
dl, opt = _NbLoader(x, y, 16), _NbSGD(model.parameters(), 0.1)
train_model(model, 3, dl, opt, mse)
assert dl.passes == 3 and opt.steps == 12, (dl.passes, opt.steps)
assert mse(model(x), y).item() < 0.25 * start, "the loss did not fall enough"
for epochs in (0, 1, 4):
    dl, opt = _NbLoader(x, y, 16), _NbSGD(model.parameters(), 0.01)
    train_model(model, epochs, dl, opt, mse)
    assert dl.passes == epochs and opt.steps == 4 * epochs, (epochs, dl.passes, opt.steps)
'''), (0.4, '''
w = _nb_torch.zeros(3, 1, requires_grad=True)
b = _nb_torch.zeros(1, requires_grad=True)
start = mse(x @ w + b, y).item()
train_model(lambda xb: xb @ w + b, 3, _NbLoader(x, y, 10), _NbSGD([w, b], 0.1), mse)
assert mse(x @ w + b, y).item() < 0.25 * start, "a plain-function model did not train"
''')],
    "q34": [(0.6, '''
for x in [_nb_torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]), _nb_torch.randn(3, 4),
          _nb_torch.randn(2, 3, 5, dtype=_nb_torch.float64),
          _nb_torch.tensor(-1.5), _nb_torch.tensor([-0.0, 1e30, -1e30, 1e-30, -1e-30, float("inf"), float("-inf")])]:
    before = x.clone()
    got = relu(x)
    _nb_equal(got, _nb_F.relu(x), what="relu")
    assert _nb_torch.equal(x, before), "relu changed its input"
    assert got.data_ptr() != x.data_ptr() or x.numel() == 0, "relu returned its input"
'''), (0.4, '''
relu(_nb_torch.tensor([-1.0, 1.0]))  # it must run first
assert not {"relu", "ReLU", "relu_", "threshold"} & _nb_names(relu), "calls PyTorch's ReLU"
''')],
    "q36": [(0.75, '''
for n_in, n_hidden, n_out in [(784, 30, 1), (5, 7, 3), (2, 1, 4)]:
    net = make_net(n_in, n_hidden, n_out)
    assert isinstance(net, _nb_torch.nn.Sequential), type(net)
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear"], list(net)
    assert (net[0].in_features, net[0].out_features, net[2].in_features, net[2].out_features) == \\
        (n_in, n_hidden, n_hidden, n_out)
    x = _nb_torch.randn(6, n_in)
    want = (x @ net[0].weight.T + net[0].bias).clamp(min=0) @ net[2].weight.T + net[2].bias
    _nb_close(net(x), want, what="the net's output")
''')],
}


def choice_test(name: str, mode: str, answer) -> str:
    """A test cell for a choice variable: single (one letter), multi (a set of letters) or order (a list)."""
    if mode == "single":
        check = f"assert str({name}).strip().lower() == {answer!r}, {name}"
    elif mode == "multi":
        check = f"assert sorted(str(v).strip().lower() for v in {name}) == {sorted(answer)!r}, {name}"
    else:
        check = f"assert [str(v).strip().lower() for v in {name}] == {list(answer)!r}, {name}"
    return check + "\n"


def helpers(sample_path: str) -> str:
    return textwrap.dedent(HELPERS).format(sample=sample_path).strip() + "\n"


def cells_for(exercise, key: dict | None) -> list[tuple[float, str]]:
    """[(points, source)] for one exercise: its code tests and, where it has one, its choice test.

    The exercise's runnable points (code + choice) are shared among the cells by their weights; a choice next to
    code counts for a quarter, as in the grader's own weighting of small choice parts.
    """
    code = CODE.get(exercise.id, [])
    choice = exercise.choice if key else None
    cells: list[tuple[float, str]] = []
    code_share = 0.75 if (code and choice) else 1.0
    total_weight = sum(w for w, _ in code) or 1.0
    for weight, source in code:
        cells.append((exercise.points * code_share * weight / total_weight, source.strip() + "\n"))
    if choice:
        share = exercise.points * (1 - code_share) if code else exercise.points
        cells.append((share, choice_test(choice["name"], choice["mode"], key["answer"])))
    return [(round(points, 4), source) for points, source in cells]
