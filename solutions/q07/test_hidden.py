"""Hidden suite for Q7: l1 and rmse against PyTorch's losses on unseen tensors, and written without them."""
import ast

import torch
import torch.nn.functional as F

from grader.judge.api import code_of, fail, points, property_case, type_name, walk_code

HINT_L1 = ("Q7: the L1 norm (mean absolute difference) is (a - b).abs().mean(): absolute values first, so that "
           "differences cannot cancel, then the mean over every element. See 'First Try: Pixel Similarity'.")
HINT_RMSE = ("Q7: RMSE is ((a - b) ** 2).mean().sqrt(): square every difference, average the squares over every "
             "element, and take the square root of that mean, in that order. See 'First Try: Pixel Similarity'.")
LOSS_NAMES = {"l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "L1Loss", "MSELoss", "SmoothL1Loss",
              "HuberLoss"}


def pairs(seed):
    """Float tensors of many shapes and both float dtypes, with differences of both signs and several sizes."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for shape, dtype, scale in [((), torch.float32, 3.0), ((7,), torch.float32, 1.0), ((28, 28), torch.float32, 1.0),
                                ((5, 28, 28), torch.float32, 1.0), ((2, 3, 4, 5), torch.float64, 10.0),
                                ((9, 4), torch.float64, 0.01), ((1, 1), torch.float32, 2.0)]:
        a = (torch.randn(shape, generator=gen, dtype=torch.float64) * scale).to(dtype)
        b = (torch.randn(shape, generator=gen, dtype=torch.float64) * scale).to(dtype)
        out.append((a, b))
    return out


def close(x, y):
    return torch.allclose(x.double(), y.double(), rtol=1e-5, atol=1e-6)


def check_common(name, a, got, hint):
    if isinstance(got, float):
        fail(f"{name} returned a Python float (.item()?); return the rank-0 tensor itself, so that the result "
             "can still be differentiated as a loss", hint)
    if not isinstance(got, torch.Tensor):
        fail(f"{name} returned {type_name(got)}; it should return a rank-0 tensor", hint)
    if got.ndim != 0:
        fail(f"{name} returned a tensor of shape {tuple(got.shape)} for inputs of shape {tuple(a.shape)}: it kept "
             "some axes; average over every element to get one number", hint)
    if not torch.isfinite(got).all():
        fail(f"{name} returned NaN or infinity", hint)


def check_l1(a, b, got):
    check_common("l1", a, got, HINT_L1)
    want, d = F.l1_loss(a, b), (a - b).double()
    if close(got, want):
        return
    if close(got, d.mean()) or close(got, (b - a).double().mean()):
        fail("l1 averaged the raw differences, so positive and negative ones cancel out; take .abs() of each "
             "difference before the mean", HINT_L1)
    if close(got, d.mean().abs()):
        fail("l1 took the absolute value after averaging, when the differences have already cancelled; take the "
             "absolute value of each difference first", HINT_L1)
    if close(got, d.abs().sum()):
        fail("l1 added up the absolute differences instead of averaging them (the L1 loss is a mean)", HINT_L1)
    if close(got, (d ** 2).mean()) or close(got, (d ** 2).mean().sqrt()):
        fail("l1 squared the differences; that is the road to MSE/RMSE, while L1 uses the absolute value", HINT_L1)
    fail("l1 gave a different number from F.l1_loss on an unseen pair of tensors", HINT_L1)


def check_rmse(a, b, got):
    check_common("rmse", a, got, HINT_RMSE)
    want, d = F.mse_loss(a, b).sqrt(), (a - b).double()
    if close(got, want):
        return
    if close(got, (d ** 2).mean()):
        fail("rmse returned the mean squared error: the square root at the end is missing", HINT_RMSE)
    if close(got, (d ** 2).sum().sqrt()):
        fail("rmse took the square root of the sum of squares (the Euclidean length of the difference); RMSE "
             "averages the squares before the root", HINT_RMSE)
    if close(got, d.abs().mean()):
        fail("rmse took the square root of each squared difference before averaging, which just gives the mean "
             "absolute difference (L1); average the squares first, then take one square root", HINT_RMSE)
    if close(got, d.mean().abs()) or close(got, d.mean() ** 2):
        fail("rmse averaged the differences before squaring them, so positive and negative ones cancel out; "
             "square each difference first", HINT_RMSE)
    fail("rmse gave a different number from F.mse_loss(a, b).sqrt() on an unseen pair of tensors", HINT_RMSE)


@points(2)
def test_l1_matches_pytorch(submission):
    """l1 equals F.l1_loss on tensors of unseen shapes, dtypes and scales"""
    for a, b in pairs(seed=7):
        check_l1(a, b, submission.call("l1", a.clone(), b.clone()))


@points(2)
def test_rmse_matches_pytorch(submission):
    """rmse equals F.mse_loss(...).sqrt() on tensors of unseen shapes, dtypes and scales"""
    for a, b in pairs(seed=8):
        check_rmse(a, b, submission.call("rmse", a.clone(), b.clone()))


@property_case
@points(1)
def test_identical_tensors_are_zero_apart(submission):
    """l1 and rmse of a tensor with itself are 0, and they are symmetric in a and b"""
    gen = torch.Generator().manual_seed(9)
    a, b = torch.rand(6, 6, generator=gen), torch.rand(6, 6, generator=gen)
    for name, hint in (("l1", HINT_L1), ("rmse", HINT_RMSE)):
        same = submission.call(name, a.clone(), a.clone())
        check_common(name, a, same, hint)
        if same.item() != 0:
            fail(f"{name} of a tensor with itself is not 0", hint)
        ab, ba = submission.call(name, a.clone(), b.clone()), submission.call(name, b.clone(), a.clone())
        check_common(name, a, ab, hint)
        check_common(name, a, ba, hint)
        if not close(ab, ba):
            fail(f"{name}(a, b) and {name}(b, a) differ; a distance must not depend on the order (is a sign "
                 "left over?)", hint)


@property_case
@points(1)
def test_written_from_tensor_operations(submission):
    """l1 and rmse are right and written from tensor operations, not by calling PyTorch's loss functions"""
    a, b = pairs(seed=10)[3]
    references = {"l1": F.l1_loss, "rmse": lambda x, y: F.mse_loss(x, y).sqrt()}
    for name, hint in (("l1", HINT_L1), ("rmse", HINT_RMSE)):
        reference = references[name]
        got = submission.call(name, a.clone(), b.clone())
        if not isinstance(got, torch.Tensor) or got.ndim != 0 or not close(got, reference(a, b)):
            fail(f"{name} does not match PyTorch yet (see the case comparing them); how it is written is checked "
                 "once it gives the right number", hint)
        node = submission.definition(name)
        if not isinstance(node, (ast.FunctionDef, ast.Lambda)):
            if isinstance(node, ast.Assign):
                fail(f"{name} is assigned (perhaps to a PyTorch function) instead of being defined with def; write "
                     "it from tensor operations", hint)
            fail(f"{name} should be a function defined with def", hint)
        nodes = walk_code(code_of(submission, name))  # a loss function called from a helper is still called
        used = {n.attr for n in nodes if isinstance(n, ast.Attribute)}
        used |= {n.id for n in nodes if isinstance(n, ast.Name)}
        called = sorted(used & LOSS_NAMES)
        if called:
            fail(f"{name} calls {', '.join(called)}; Q7 asks you to write it from tensor operations (subtract, abs "
                 "or square, mean, sqrt), which is what those functions do inside", hint)
