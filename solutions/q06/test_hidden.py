"""Hidden suite for Q6: rank on unseen shapes (size-1 and empty axes, the scalar shape, huge shapes, torch.Size)."""
import math

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("Q6: the shape holds one entry per axis, the length of that axis; the rank is the number of axes, so it is "
        "len(shape), whatever the lengths are. See Q6 and the chapter's section 'First Try: Pixel Similarity'.")


MISREADINGS = [  # (what a wrong rank computes, what it misunderstands)
    (lambda shape: math.prod(shape), "rank gave the number of elements (the product of the axis lengths); the rank "
                                     "counts axes, not elements"),
    (lambda shape: max(shape, default=0), "rank gave the length of the longest axis; the rank is how many axes "
                                          "there are, not how long they are"),
    (lambda shape: shape[0] if shape else 0, "rank gave the length of the first axis; the rank is how many axes "
                                             "there are"),
    (lambda shape: sum(1 for n in shape if n > 1), "rank left out the axes of length 1 (or 0); they are axes all "
                                                   "the same and count towards the rank"),
    (lambda shape: len(shape) - 1, "rank is one short: every entry of the shape is an axis, including the first"),
]


def judge(pairs):
    """Fail with the misunderstanding that explains every answer of the case, or return when all are right.

    Judging a case's answers together keeps coincidences apart: for (28, 28) the longest axis and the first axis
    are both 28, but across several shapes only one misreading fits.
    """
    for shape, got in pairs:
        if isinstance(got, bool) or not isinstance(got, int):
            fail(f"rank returned {type_name(got)}; it should return a plain int", HINT)
    wrong = [(tuple(shape), got) for shape, got in pairs if got != len(shape)]
    if not wrong:
        return
    for misreading, message in MISREADINGS:
        if all(misreading(tuple(shape)) == got for shape, got in pairs):
            fail(message, HINT)
    shape = wrong[0][0]
    fail(f"rank gave a wrong answer for a shape with {len(shape)} {'entry' if len(shape) == 1 else 'entries'}",
         HINT)


def student_slip(exc) -> bool:
    """A StudentError worth naming here (an untouched starter and unreadable values keep their usual report)."""
    return exc.type not in ("NotImplementedError", "NotPlainData")


def call(submission, shape):
    try:
        return submission.call("rank", shape)
    except StudentError as exc:
        if not student_slip(exc):
            raise
        fail(f"rank raised {exc.type} for the shape {tuple(shape)}; the rank of a shape with "
             f"{'no entries' if not shape else 'these entries'} needs no tensor and no special case", HINT)


@points(2)
def test_unseen_shapes(submission):
    """rank is right for shapes it has never seen, including axes of length 1"""
    shapes = [(28, 28), (7,), (3, 3), (64, 3, 224, 224), (2, 1, 5), (1, 1, 1), (4, 9, 2, 6, 3), (1, 28, 28),
              [10, 20], [5, 1, 1, 5]]
    judge([(shape, call(submission, shape)) for shape in shapes])


@property_case
@points(1)
def test_scalar_and_empty_axes(submission):
    """rank of () is 0, and axes of length 0 still count"""
    judge([(shape, call(submission, shape)) for shape in [(), (0,), (3, 0), (0, 28, 28)]])


@property_case
@points(1)
def test_torch_size(submission):
    """rank works on torch.Size, what t.shape gives"""
    shapes = [(6131, 28, 28), (5,), (2, 3, 4, 5), (), (1, 1)]
    try:
        got = submission.harness("rank_of_sizes", shapes=[list(s) for s in shapes])
    except StudentError as exc:
        if not student_slip(exc):
            raise
        fail(f"rank raised {exc.type} when given a torch.Size (what t.shape gives); treat it like a tuple", HINT)
    if not isinstance(got, list) or len(got) != len(shapes):
        fail("rank did not give one answer per torch.Size", HINT)
    judge(list(zip(shapes, got)))


@property_case
@points(2)
def test_shapes_too_big_to_create(submission):
    """rank answers from the shape alone, even for shapes far too big to create"""
    pairs = []
    for shape in [(1_000_000, 1_000_000, 1_000_000), (100_000, 100_000), (10 ** 9, 10 ** 9, 10 ** 9, 10 ** 9)]:
        try:
            got = submission.call("rank", shape, timeout=20)
        except StudentError as exc:
            if not student_slip(exc):
                raise
            fail(f"rank raised {exc.type} for a shape too big to create: it seems to build a tensor of that shape "
                 "to count its axes, but the rank is read off the shape itself", HINT)
        pairs.append((shape, got))
    judge(pairs)
