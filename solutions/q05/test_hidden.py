"""Hidden suite for Q5: stack_images on lists of images the student never saw (sizes, dtypes, one image).

The choice part is scored by the grader from key.toml.
"""
import torch

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("Q5: torch.stack(images) joins same-shaped tensors along a NEW first axis, so N images of shape (height, "
        "width) become one rank-3 tensor of shape (N, height, width); torch.cat instead joins along an axis "
        "they already have. See 'First Try: Pixel Similarity'.")


def unseen_images(n, h, w, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    images = [torch.randint(0, 256, (h, w), generator=gen) for _ in range(n)]
    return [t.to(torch.uint8) if dtype == torch.uint8 else t.to(dtype) / 255 for t in images]


def stack(submission, images):
    try:
        return submission.call("stack_images", [t.clone() for t in images])
    except StudentError as exc:
        if exc.type in ("ValueError", "TypeError") and "tensor" in str(exc.info.get("message")).lower():
            fail("stack_images tried to build a tensor straight from a list of tensors (torch.tensor(list)?); "
                 "torch.stack is the function that joins tensors into one", HINT)
        raise


def check_shape(images, got):
    n, (h, w) = len(images), images[0].shape
    if isinstance(got, list):
        fail("stack_images returned a Python list; it should return one tensor", HINT)
    if not isinstance(got, torch.Tensor):
        fail(f"stack_images returned {type_name(got)}; it should return one tensor", HINT)
    shape = tuple(got.shape)
    if shape == (n, h, w):
        return
    if got.ndim == 2 and shape in ((n * h, w), (h, n * w)):
        fail(f"stack_images joined {n} images of shape {(h, w)} end to end into shape {shape}, a rank-2 tensor "
             "(torch.cat?): stacking adds a new axis, giving rank 3", HINT)
    if shape == (h, w, n):
        fail(f"stack_images put the new axis last, shape {shape}; the chapter's stack puts it first, so that "
             "x[i] is the i-th image", HINT)
    if shape == (h, w):
        fail("stack_images returned a single image for a list of one image; even one image stacks into shape "
             "(1, height, width)", HINT)
    fail(f"stack_images gave shape {shape} for {n} images of shape {(h, w)}; it should be {(n, h, w)}", HINT)


def check_values(images, got):
    check_shape(images, got)
    want = torch.stack(images)
    if got.dtype != want.dtype:
        was, now = (str(d).replace("torch.", "") for d in (want.dtype, got.dtype))
        fail(f"stack_images turned {was} images into a {now} tensor; stacking should keep the dtype and values "
             "(converting to float and dividing by 255 is a separate step)", HINT)
    if torch.equal(got, want):
        return
    if len(images) > 1 and torch.equal(got, want.flip(0)):
        fail("stack_images put the images in reverse order; keep the order of the list", HINT)
    fail("stack_images changed the values of the images; it should only join them", HINT)


@property_case
@points(1)
def test_shape_of_unseen_stacks(submission):
    """stack_images gives a rank-3 tensor of shape (N, height, width) for lists of unseen sizes"""
    for i, (n, h, w) in enumerate([(5, 28, 28), (3, 4, 9), (12, 6, 2), (1, 7, 5), (2, 1, 3)]):
        images = unseen_images(n, h, w, torch.uint8, seed=i)
        check_shape(images, stack(submission, images))


@points(1)
def test_values_dtype_and_order_kept(submission):
    """stack_images keeps each image's values and dtype, in the order of the list"""
    for i, (n, h, w, dtype) in enumerate([(4, 28, 28, torch.uint8), (6, 5, 3, torch.float32),
                                          (3, 2, 8, torch.float64), (1, 4, 4, torch.float32)]):
        images = unseen_images(n, h, w, dtype, seed=10 + i)
        check_values(images, stack(submission, images))
