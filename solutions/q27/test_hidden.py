"""Hidden suite for Q27: flatten_images on batches the student never saw (sizes, dtypes), and the *how*: inside the
sandbox, the result must share memory with x (a view), checked by the public harness."""
import torch

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("view gives the same memory a new shape: x.view(-1, 28 * 28) or x.view(len(x), 784) turns (N, 28, 28) into "
        "(N, 784) with nothing copied. See Q27 and the chapter's section 'The MNIST Loss Function'.")
COPY = ("flatten_images returned a copy: the result does not share memory with x. clone(), torch.stack(...), "
        "torch.tensor(...) of a list, .contiguous() and dtype conversions all build new memory; view gives the same "
        "memory a new shape")


def batch(n, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (n, 28, 28), generator=gen)
    return x.to(dtype) if dtype == torch.uint8 else (x.to(dtype) / 255)


def probe(submission, x):
    try:
        result = submission.harness("flatten_probe", x=x.clone())
    except StudentError as exc:
        message = str(exc.info.get("message"))
        if "is invalid for input of size" in message:
            fail(f"flatten_images failed on a batch of {len(x)} images ({message[:120]}): a size written into the "
                 "code fits only one batch; let -1 (or len(x)) stand for the number of images", HINT)
        raise
    if not result.get("is_tensor"):
        fail(f"flatten_images returned {type_name(result.get('out'))}; it should return a tensor", HINT)
    return result


def check_values(x, result):
    """Fail with a message naming the mistake, or return when the values and shape are x.view(N, 784)."""
    out, n = result["out"], len(x)
    want = x.reshape(n, 784)
    shape = tuple(out.shape)
    if shape == (n * 784,):
        fail("flatten_images turned the whole batch into one long row (view(-1)); keep one row per image: "
             "view(-1, 784)", HINT)
    if shape == (784, n) and n != 784:
        fail("flatten_images returned shape (784, N): put the images first, view(-1, 784), so that each row is "
             "one image", HINT)
    if shape == (784,) and n == 1:
        fail("flatten_images dropped the batch dimension for a batch of one image: the result should be (1, 784)",
             HINT)
    if shape != (n, 784):
        fail(f"flatten_images returned shape {shape} for {n} images; it should be ({n}, 784)", HINT)
    if out.dtype != x.dtype:
        fail(f"flatten_images turned {str(x.dtype).replace('torch.', '')} images into "
             f"{str(out.dtype).replace('torch.', '')}: converting the dtype copies the data; keep it", HINT)
    if not torch.equal(out, want):
        if torch.equal(out, x.transpose(1, 2).reshape(n, 784)):
            fail("flatten_images read each image column by column; view reads it row by row", HINT)
        fail("flatten_images has the right shape, but row i is not image i read row by row", HINT)


@points(2)
def test_values_on_unseen_batches(submission):
    """flatten_images gives (N, 784) rows for unseen batches of several sizes and dtypes"""
    for n, dtype, seed in [(5, torch.float32, 1), (1, torch.float32, 2), (64, torch.uint8, 3),
                           (17, torch.float64, 4)]:
        x = batch(n, dtype, seed)
        check_values(x, probe(submission, x))


@property_case
@points(2)
def test_result_is_a_view(submission):
    """the result shares memory with x (a view: writing into it changes x), and x keeps its shape"""
    for n, dtype, seed in [(7, torch.float32, 11), (32, torch.uint8, 12)]:
        x = batch(n, dtype, seed)
        result = probe(submission, x)
        check_values(x, result)
        if result["x_shape_after"] != result["x_shape_before"]:
            fail("flatten_images changed the shape of x itself (resize_ or assigning to x.data?); return a new "
                 "view and leave x as it was", HINT)
        if not result["same_storage"]:
            fail(COPY, HINT)
        if not (result["same_start"] and result["writes_through"]):
            fail("the result shares memory with x but does not start at x's first number, or writing into it does "
                 "not change x: return x's data itself with a new shape", HINT)
