"""Hidden suite for Q29: the matrix product on shapes the student never saw (and square ones, where `*` and a
transposed w do not crash), no Python loops, and the shape rules of `@` for matrices and vectors."""
import ast

import torch

from grader.judge.api import code_of, fail, points, property_case, type_name, walk_code
from grader.judge.api import StudentError

HINT = ("a @ b is matrix multiplication: entry [i, j] is row i of a times column j of b, added up, so (N, k) @ (k, m) "
        "gives (N, m) and the inner sizes must be equal; a * b instead multiplies matching entries. See Q29 and the "
        "chapter's section 'The MNIST Loss Function', where linear1 uses xb @ weights.")


def unseen(n, k, m, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(n, k, generator=gen, dtype=torch.float64).to(dtype),
            torch.randn(k, m, generator=gen, dtype=torch.float64).to(dtype))


def close(a, b) -> bool:
    return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape and bool(
        torch.allclose(a.double(), b.double(), atol=1e-4, rtol=1e-4))


def batch_matmul(submission, xb, w):
    """The student's batch_matmul, with a shape error turned into feedback that names its likely cause."""
    try:
        return submission.call("batch_matmul", xb, w)
    except StudentError as exc:
        message = str(exc.info.get("message"))
        if exc.type == "RuntimeError" and "must match the size" in message:
            fail(f"batch_matmul raised a size error for xb of shape {tuple(xb.shape)} and w of shape "
                 f"{tuple(w.shape)}, the kind `*` raises: `*` multiplies matching entries and needs matching "
                 "shapes, while the matrix product `@` only needs the inner sizes to agree", HINT)
        if exc.type == "RuntimeError" and "cannot be multiplied" in message:
            fail(f"batch_matmul raised 'shapes cannot be multiplied' for xb of shape {tuple(xb.shape)} and w of "
                 f"shape {tuple(w.shape)}: these fit as xb @ w; check that you do not transpose w or swap the "
                 "order (w @ xb)", HINT)
        raise


def maybe(compute):
    """A wrong answer a student could have meant, or None where it cannot even be computed for these shapes."""
    try:
        return compute()
    except RuntimeError:
        return None


def check(xb, w, got):
    """Fail with a message naming the misunderstanding, or return when got is xb @ w."""
    want = xb @ w
    if not isinstance(got, torch.Tensor):
        fail(f"batch_matmul returned {type_name(got)}; it should return a tensor", HINT)
    if close(got, maybe(lambda: xb * w)):
        fail("batch_matmul multiplied xb and w element by element (that is `*`); `@` is the matrix product, "
             "which adds up the products of a row and a column", HINT)
    if close(got, maybe(lambda: xb @ w.T)):
        fail("batch_matmul multiplied by w transposed (w.T); the weights already have shape (k, m), so xb @ w is "
             "the product wanted", HINT)
    if close(got, maybe(lambda: w @ xb)):
        fail("batch_matmul computed w @ xb; matrix multiplication is not commutative: the batch goes first, "
             "xb @ w", HINT)
    if got.shape != want.shape:
        fail(f"batch_matmul returned shape {tuple(got.shape)} for xb of shape {tuple(xb.shape)} and w of shape "
             f"{tuple(w.shape)}; (N, k) @ (k, m) has shape (N, m)", HINT)
    if not close(got, want):
        fail("batch_matmul gave wrong values on an unseen batch", HINT)


@points(2)
def test_products_on_unseen_batches(submission):
    """batch_matmul is right on unseen batches and weights of many shapes"""
    for n, k, m, seed in [(5, 3, 2, 1), (1, 784, 1, 2), (64, 784, 1, 3), (7, 4, 30, 4), (2, 9, 5, 5)]:
        xb, w = unseen(n, k, m, seed)
        check(xb, w, batch_matmul(submission, xb, w))
    xb, w = unseen(6, 5, 4, 6, torch.float64)
    got = batch_matmul(submission, xb, w)
    check(xb, w, got)
    if got.dtype != torch.float64:
        fail("batch_matmul turned float64 tensors into a float32 result; keep the dtype", HINT)


@points(1)
def test_square_shapes_are_not_elementwise(submission):
    """on square matrices, where `*` and w.T also run, batch_matmul still gives the matrix product"""
    for size, seed in [(3, 11), (5, 12)]:
        xb, w = unseen(size, size, size, seed)
        check(xb, w, batch_matmul(submission, xb, w))


@property_case
@points(1)
def test_no_python_loops(submission):
    """batch_matmul uses the matrix product, not Python loops"""
    xb, w = unseen(3, 4, 2, 41)
    check(xb, w, batch_matmul(submission, xb, w))  # an unfinished function earns nothing here
    code = code_of(submission, "batch_matmul")
    if not isinstance(code[0], ast.FunctionDef):
        fail("batch_matmul should be a function defined with def", HINT)
    loops = (ast.For, ast.While, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
    if any(isinstance(n, loops) for n in walk_code(code)):  # a helper's loop included
        fail("batch_matmul loops in Python (a for/while loop or a comprehension); `@` computes every entry at "
             "once, in optimised C or GPU code, which is why the chapter uses it", HINT)


def matmul_shape(submission, a, b):
    try:
        return submission.call("matmul_shape", a, b)
    except StudentError as exc:
        if exc.type == "NotPlainData" and "Size" in str(exc.info.get("message")):
            fail("matmul_shape returned a torch.Size; return a plain tuple, e.g. tuple(...)", HINT)
        if exc.type == "RuntimeError":
            fail(f"matmul_shape raised RuntimeError for {a} @ {b}; when the shapes do not fit, return None "
                 "rather than raising", HINT)
        raise


def reference_shape(a, b):
    """What torch itself says (computed here, on empty tensors)."""
    try:
        return tuple((torch.empty(a) @ torch.empty(b)).shape)
    except RuntimeError:
        return None


def check_shape(a, b, got):
    want = reference_shape(a, b)
    if isinstance(got, list):
        fail(f"matmul_shape returned a list for {a} @ {b}; return a tuple of ints (or None)", HINT)
    if want is None:
        if got is not None:
            fail(f"matmul_shape gave {type_name(got) if not isinstance(got, tuple) else 'a shape'} for {a} @ {b}, "
                 "where the inner sizes differ; such a product cannot be computed, so return None", HINT)
        return
    if got is None:
        fail(f"matmul_shape returned None for {a} @ {b}, but the inner sizes agree and the product exists", HINT)
    if not isinstance(got, tuple):
        fail(f"matmul_shape returned {type_name(got)} for {a} @ {b}; return a tuple of ints", HINT)
    if got != want:
        if len(a) == 2 and len(b) == 2 and got == (a[1], b[0]):
            fail(f"matmul_shape kept the inner sizes for {a} @ {b}; the result keeps the outer ones (rows of the "
                 "first, columns of the second)", HINT)
        fail(f"matmul_shape gave a wrong shape for {a} @ {b}", HINT)


@points(1)
def test_shapes_of_matrix_products(submission):
    """matmul_shape is right for unseen pairs of matrices, compatible or not"""
    pairs = [((3, 5), (5, 2)), ((128, 784), (784, 30)), ((30, 1), (1, 30)), ((4, 4), (4, 4)), ((2, 3), (2, 3)),
             ((5, 2), (3, 5)), ((1, 7), (7, 1)), ((6, 10), (11, 6))]
    for a, b in pairs:
        check_shape(a, b, matmul_shape(submission, a, b))


@points(1)
def test_shapes_with_vectors(submission):
    """matmul_shape is right when one or both sides are vectors"""
    pairs = [((784,), (784, 1)), ((5,), (5, 3)), ((3, 5), (5,)), ((6,), (6,)), ((4,), (5, 4)), ((2, 3), (2,)),
             ((3,), (4,))]
    for a, b in pairs:
        check_shape(a, b, matmul_shape(submission, a, b))
