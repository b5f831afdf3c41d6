"""Hidden suite for Q30: the gradients of mnist_loss on a linear model, on batches the student never saw, compared
with this process's own autograd; the usual mistakes (no sigmoid, a sum, two backward calls) are named."""
import torch

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("loss.backward() works back from the loss and stores d(loss)/d(parameter) in each parameter's .grad; it "
        "returns None. Compute preds = xb @ w + b, loss = mnist_loss(preds, yb) (sigmoid, torch.where, mean), call "
        "loss.backward() once, then read w.grad and b.grad. See Q30 and the chapter's section 'Putting It All "
        "Together' (calc_grad).")


def mnist_loss(predictions, targets, with_sigmoid=True, reduce="mean"):
    p = predictions.sigmoid() if with_sigmoid else predictions
    distances = torch.where(targets == 1, 1 - p, p)
    return distances.mean() if reduce == "mean" else distances.sum()


def reference(w, b, xb, yb, **loss_options):
    """[dloss/dw, dloss/db] from this process's autograd."""
    w, b = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    return list(torch.autograd.grad(mnist_loss(xb @ w + b, yb, **loss_options), [w, b]))


def unseen(n, k, seed, dtype=torch.float32, scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    w = (torch.randn(k, 1, generator=gen, dtype=torch.float64) * scale).to(dtype).requires_grad_()
    b = (torch.randn(1, generator=gen, dtype=torch.float64) * scale).to(dtype).requires_grad_()
    xb = torch.rand(n, k, generator=gen, dtype=torch.float64).to(dtype)
    yb = torch.randint(0, 2, (n, 1), generator=gen)
    return w, b, xb, yb


def close(a, b) -> bool:
    return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(
        torch.allclose(a.double(), b.double(), atol=1e-6, rtol=1e-4))


def both_close(got, want) -> bool:
    return all(close(g, e) for g, e in zip(got, want))


def grads_of_loss(submission, w, b, xb, yb):
    try:
        return submission.call("grads_of_loss", w.detach().clone().requires_grad_(),
                               b.detach().clone().requires_grad_(), xb, yb)
    except StudentError as exc:
        if exc.type == "RuntimeError" and "does not require grad" in str(exc.info.get("message")):
            fail("grads_of_loss called backward on a loss that does not track gradients: compute the loss from w "
                 "and b themselves (not w.data, a detached copy, or inside torch.no_grad())", HINT)
        raise


def check(w, b, xb, yb, got):
    """Fail with a message naming the misunderstanding, or return when got holds the two gradients."""
    want = reference(w, b, xb, yb)
    if got is None:
        fail("grads_of_loss returned None: loss.backward() returns nothing; the gradients are stored in w.grad "
             "and b.grad, so return [w.grad, b.grad]", HINT)
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        fail(f"grads_of_loss returned {type_name(got)}; it should return a list of two tensors, "
             "[w.grad, b.grad]", HINT)
    if got[0] is None or got[1] is None:
        fail("grads_of_loss returned None for a gradient: backward stores the gradients in .grad only for "
             "tensors the loss was computed from, and only until they are cleared; call loss.backward() and "
             "then read w.grad and b.grad", HINT)
    if not all(isinstance(g, torch.Tensor) for g in got):
        fail("grads_of_loss should return two tensors, [w.grad, b.grad]; don't turn them into numbers", HINT)
    if close(got[0], w) and close(got[1], b):
        fail("grads_of_loss returned the parameters themselves; after loss.backward() their gradients are in "
             "w.grad and b.grad", HINT)
    if got[0].shape != w.shape or got[1].shape != b.shape:
        fail(f"grads_of_loss returned gradients of shapes {tuple(got[0].shape)} and {tuple(got[1].shape)}; a "
             f"gradient has the shape of its parameter, here {tuple(w.shape)} and {tuple(b.shape)}", HINT)
    if both_close(got, want):
        return
    if both_close(got, [2 * g for g in want]):
        fail("grads_of_loss returned twice the gradients: backward was called twice, and each call adds to .grad "
             "(Q31); call it once", HINT)
    if both_close(got, reference(w, b, xb, yb, with_sigmoid=False)):
        fail("grads_of_loss used the loss without its sigmoid; the chapter's mnist_loss first squashes the "
             "predictions into 0..1 with sigmoid", HINT)
    if both_close(got, reference(w, b, xb, yb, reduce="sum")):
        fail("grads_of_loss summed the distances instead of averaging them (mean), so its gradients grow with "
             "the batch size", HINT)
    if both_close(got, [-g for g in want]):
        fail("grads_of_loss returned gradients of the wrong sign: use 1 - p where the target is 1 and p where it "
             "is 0", HINT)
    fail("grads_of_loss gave gradients that differ from those of mnist_loss(xb @ w + b, yb)", HINT)


@points(2)
def test_gradients_on_unseen_batches(submission):
    """the gradients are right on unseen batches of several sizes"""
    for n, k, seed in [(16, 5, 1), (64, 784, 2), (3, 10, 3), (100, 20, 4)]:
        w, b, xb, yb = unseen(n, k, seed)
        check(w, b, xb, yb, grads_of_loss(submission, w, b, xb, yb))


@property_case
@points(1)
def test_a_batch_of_one(submission):
    """the gradients are right for a batch of a single image"""
    for k, seed in [(784, 11), (4, 12)]:
        w, b, xb, yb = unseen(1, k, seed)
        check(w, b, xb, yb, grads_of_loss(submission, w, b, xb, yb))


@property_case
@points(1)
def test_float64_and_confident_predictions(submission):
    """the gradients are right in float64 and when the predictions are large (sigmoid near 0 or 1)"""
    w, b, xb, yb = unseen(32, 6, 21, torch.float64, scale=4.0)
    got = grads_of_loss(submission, w, b, xb, yb)
    check(w, b, xb, yb, got)
    if got[0].dtype != torch.float64:
        fail("grads_of_loss returned float32 gradients for float64 parameters; keep the dtype", HINT)
