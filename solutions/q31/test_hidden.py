"""Hidden suite for Q31: two backward calls on two different unseen batches. Without zeroing the result must be
the sum of both batches' gradients (backward adds to .grad); with zeroing, the second batch's alone. Using two
different batches tells apart every way of getting it wrong (zeroing too late, never, or only one parameter)."""
import torch

from grader.judge.api import fail, points, type_name
from grader.judge.api import StudentError

HINT = ("backward() adds the new gradients to whatever .grad already holds; clearing each parameter's gradient "
        "between the two calls (zeroing it, or setting it to None) resets it, and must come before the second "
        "backward, not after it. See Q31 and the chapter's section 'Putting It All Together'.")


def mnist_loss(predictions, targets):
    p = predictions.sigmoid()
    return torch.where(targets == 1, 1 - p, p).mean()


def grads(w, b, xb, yb):
    """One batch's [dloss/dw, dloss/db], from this process's autograd."""
    w, b = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    return list(torch.autograd.grad(mnist_loss(xb @ w + b, yb), [w, b]))


def unseen(k, n1, n2, seed):
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(k, 1, generator=gen).requires_grad_()
    b = torch.randn(1, generator=gen).requires_grad_()
    batches = [(torch.rand(n, k, generator=gen), torch.randint(0, 2, (n, 1), generator=gen)) for n in (n1, n2)]
    return w, b, batches


def close(a, b) -> bool:
    return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(
        torch.allclose(a.double(), b.double(), atol=1e-6, rtol=1e-4))


def call(submission, w, b, batches, zero_between):
    try:
        got = submission.call("two_backward_calls", w.detach().clone().requires_grad_(),
                              b.detach().clone().requires_grad_(), batches, zero_between)
    except StudentError as exc:
        if exc.type == "AttributeError" and "NoneType" in str(exc.info.get("message")):
            fail("two_backward_calls called .zero_() on a gradient that is None: before the first backward there "
                 "is no .grad yet; zero the gradients after the first backward and before the second", HINT)
        raise
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        fail(f"two_backward_calls returned {type_name(got)}; it should return a list of two tensors, "
             "[w.grad, b.grad]", HINT)
    if got[0] is None or got[1] is None or (all(isinstance(g, torch.Tensor) for g in got)
                                            and all(torch.count_nonzero(g) == 0 for g in got)):
        fail("two_backward_calls returned gradients that are None or zero: they were cleared after the second "
             "backward; clear them between the two calls, then read w.grad and b.grad", HINT)
    if not all(isinstance(g, torch.Tensor) for g in got):
        fail("two_backward_calls should return two tensors, [w.grad, b.grad]", HINT)
    return got


@points(2)
def test_without_zeroing_the_gradients_add_up(submission):
    """without zeroing, the result is the sum of both batches' gradients"""
    for k, n1, n2, seed in [(5, 8, 12, 1), (784, 64, 64, 2), (3, 1, 7, 3)]:
        w, b, batches = unseen(k, n1, n2, seed)
        g1, g2 = grads(w, b, *batches[0]), grads(w, b, *batches[1])
        got = call(submission, w, b, batches, False)
        if close(got[0], g2[0]) and close(got[1], g2[1]):
            fail("with zero_between=False the result holds only the second batch's gradients, as if backward "
                 "replaced .grad; it adds to it, so the result should be the sum of both batches' gradients "
                 "(don't zero, copy or re-create w and b when zero_between is False)", HINT)
        if close(got[0], g1[0]) and close(got[1], g1[1]):
            fail("with zero_between=False the result holds only the first batch's gradients: call backward on the "
                 "second batch's loss too", HINT)
        if not (close(got[0], g1[0] + g2[0]) and close(got[1], g1[1] + g2[1])):
            fail("with zero_between=False the result is not the sum of the two batches' gradients", HINT)


@points(2)
def test_with_zeroing_only_the_second_batch_counts(submission):
    """with zeroing in between, the result is the second batch's gradients alone"""
    for k, n1, n2, seed in [(6, 10, 4, 11), (784, 64, 32, 12), (2, 5, 1, 13)]:
        w, b, batches = unseen(k, n1, n2, seed)
        g1, g2 = grads(w, b, *batches[0]), grads(w, b, *batches[1])
        got = call(submission, w, b, batches, True)
        if close(got[0], g1[0] + g2[0]) and close(got[1], g1[1] + g2[1]):
            fail("with zero_between=True the gradients of both batches were still added together: the gradients "
                 "were not cleared between the two backward calls", HINT)
        if close(got[0], g2[0]) and close(got[1], g1[1] + g2[1]):
            fail("with zero_between=True, w.grad was cleared but b.grad still accumulated both batches: zero the "
                 "gradient of every parameter, the bias too", HINT)
        if close(got[0], g1[0] + g2[0]) and close(got[1], g2[1]):
            fail("with zero_between=True, b.grad was cleared but w.grad still accumulated both batches: zero the "
                 "gradient of every parameter", HINT)
        if close(got[0], g1[0]) and close(got[1], g1[1]):
            fail("with zero_between=True the result holds the first batch's gradients: compute the second "
                 "batch's loss and call backward on it after zeroing", HINT)
        if not (close(got[0], g2[0]) and close(got[1], g2[1])):
            fail("with zero_between=True the result is not the second batch's gradients", HINT)
