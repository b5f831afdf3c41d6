"""Hidden suite for Q24: the student's DataLoader over datasets it never saw, looped over inside the sandbox by the
public harness. Every item carries its own number, so the suite can tell exactly which items each batch holds: the
order, the last partial batch, the collation into tensors, and that shuffling is a new permutation every epoch.

Whether the loader is the student's own is read twice: from the source here (a class statement, building on no
library's loader), which nothing run in the sandbox can change, and from the live class there."""
import ast

import torch

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("A DataLoader goes through the dataset in batches of batch_size (the last one may be smaller), stacks each "
        "batch's xs into one tensor and its ys into another, and with shuffle=True takes a new random permutation "
        "of the indices (torch.randperm) at the start of every epoch, i.e. inside __iter__. See Q24 and the "
        "chapter's section 'SGD and Mini-Batches'.")


def dataset(n, seed, int_labels=False):
    """Item i: x of shape (2, 3) whose first entry is i, and y of shape (1,) (or a plain int) tied to i."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.arange(n, dtype=torch.float32).view(n, 1, 1) + torch.rand(n, 2, 3, generator=gen) / 10
    x[:, 0, 0] = torch.arange(n, dtype=torch.float32)
    labels = (torch.arange(n) * 7 + seed) % 10
    y = labels.tolist() if int_labels else labels.float().view(n, 1)
    return x, y


LIBRARY_WORDS = ("DataLoader", "torch", "fastai", "fastcore")


def source_origin_problem(submission, name="DataLoader", depth=4) -> str | None:
    """Why the source does not show *name* as the student's own class, or None: it must be a top-level class
    statement whose bases are the student's own classes or mention no library loader."""
    node = submission.definition(name)
    if node is None:
        return (f"{name} is not defined with a class statement at the top level of your notebook (imported from "
                "a library?); Q24 asks you to write the batching, collating and shuffling yourself, in your own "
                "class DataLoader")
    if not isinstance(node, ast.ClassDef):
        return (f"{name} is assigned (perhaps to a library's loader) instead of being defined with class; Q24 asks "
                "you to write the batching, collating and shuffling yourself, in your own class DataLoader")
    for base in node.bases:
        own = isinstance(base, ast.Name) and isinstance(submission.definition(base.id), ast.ClassDef)
        if own and depth > 0 and base.id != name:
            problem = source_origin_problem(submission, base.id, depth - 1)
            if problem:
                return problem
        elif not own and any(word in ast.unparse(base) for word in LIBRARY_WORDS):
            return (f"{name} builds on {ast.unparse(base)}, a library's loader; Q24 asks you to write the "
                    "batching, collating and shuffling yourself")
    return None


def check_origin(submission):
    """The DataLoader must be the student's own class, not a library's loader (or a subclass of one)."""
    problem = source_origin_problem(submission)
    if problem:
        fail(problem, HINT)
    where = submission.harness("origin")
    if not where["is_class"]:
        fail("DataLoader should be a class (class DataLoader: with __init__ and __iter__)", HINT)
    borrowed = [m for m in where["modules"] if m.split(".")[0] in ("torch", "fastai", "fastcore")]
    if borrowed:
        fail(f"DataLoader comes from (or builds on) a library's loader ({borrowed[0]}); Q24 asks you to write the "
             "batching, collating and shuffling yourself", HINT)


def loop(submission, x, y, batch_size, shuffle, epochs=1, index_only=False):
    check_origin(submission)
    try:
        return submission.harness("batches", x=x, y=y, batch_size=batch_size, shuffle=shuffle, epochs=epochs,
                                  index_only=index_only)
    except StudentError as exc:
        message = str(exc.info.get("message"))
        if "one integer at a time" in message:
            fail("the loader asked the dataset for a slice (dataset[a:b]) or a list of indices, but a dataset only "
                 "promises dataset[i] for one integer i: collect a batch with [dataset[i] for i in ...]", HINT)
        if exc.type == "TypeError" and "expected Tensor as element" in message:
            fail("torch.stack was given plain Python numbers: labels that are numbers must become tensors first "
                 "(torch.tensor(ys), or torch.as_tensor on each)", HINT)
        raise


def ids_of(batch, what):
    """The item numbers in one batch, after checking it is a collated (xb, yb) pair; fail naming the problem."""
    if isinstance(batch, list) and batch and isinstance(batch[0], tuple):
        fail(f"{what}: a batch is a list of (x, y) pairs; collate it: stack the xs into one tensor xb and the ys "
             "into another, yb", HINT)
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        fail(f"{what}: a batch is {type_name(batch)}; each batch should be a tuple (xb, yb)", HINT)
    xb, yb = batch
    if isinstance(xb, (list, tuple)) or isinstance(yb, (list, tuple)):
        fail(f"{what}: xb or yb is a Python {type(xb if isinstance(xb, (list, tuple)) else yb).__name__}, not a "
             "tensor: torch.stack the items' xs (and their ys) into one tensor each", HINT)
    if not isinstance(xb, torch.Tensor) or not isinstance(yb, torch.Tensor):
        fail(f"{what}: xb is {type_name(xb)} and yb is {type_name(yb)}; both should be tensors", HINT)
    if xb.dim() != 3 or tuple(xb.shape[1:]) != (2, 3):
        fail(f"{what}: for items whose x has shape (2, 3), xb has shape {tuple(xb.shape)}; stacking gives "
             "(batch, 2, 3) (torch.stack, not torch.cat)", HINT)
    if len(yb) != len(xb):
        fail(f"{what}: xb holds {len(xb)} items but yb holds {len(yb)}", HINT)
    return [int(v) for v in xb[:, 0, 0].round().long()]


def check_labels(batch, y, what):
    xb, yb = batch
    ids = [int(v) for v in xb[:, 0, 0].round().long()]
    if isinstance(y, list):
        want = torch.tensor([y[i] for i in ids])
    else:
        want = torch.stack([y[i] for i in ids])
    if tuple(yb.shape) != tuple(want.shape):
        fail(f"{what}: yb has shape {tuple(yb.shape)} where stacking the labels gives {tuple(want.shape)}", HINT)
    if not torch.equal(yb.double(), want.double()):
        fail(f"{what}: the labels in yb do not belong to the images in xb: the xs and ys were separated (shuffled "
             "or ordered independently); take whole (x, y) pairs from the dataset", HINT)


def sizes_for(n, bs):
    return [bs] * (n // bs) + ([n % bs] if n % bs else [])


def check_epoch(epoch, x, y, bs, shuffle, what):
    """Fail naming the problem unless the epoch covers every item once, in batches of bs; return the order."""
    n = len(x)
    if not epoch:
        if n < bs:
            fail(f"{what}: looping over the loader gave no batches at all: with fewer items than batch_size the "
                 "only batch is the last, smaller batch, and it was dropped; keep it", HINT)
        fail(f"{what}: looping over the loader gave no batches at all", HINT)
    order = []
    for batch in epoch:
        order += ids_of(batch, what)
        check_labels(batch, y, what)
    sizes = [len(b[0]) for b in epoch]
    if sorted(order) != list(range(n)):
        if len(set(order)) < len(order):
            fail(f"{what}: some items came twice and others never: sampling with replacement (random.choice, "
                 "torch.randint) is not shuffling; take a permutation of the indices (torch.randperm)", HINT)
        missing = n - len(set(order))
        if sizes == sizes_for(n, bs)[:-1] and n % bs:
            fail(f"{what}: the last, smaller batch was dropped ({missing} items never came): keep it, e.g. "
                 "range(0, len(dataset), batch_size) and slicing past the end", HINT)
        fail(f"{what}: the batches held {len(order)} items where the dataset has {n}; every item should come "
             "exactly once per epoch", HINT)
    if sizes != sizes_for(n, bs):
        fail(f"{what}: the batch sizes were {sizes}; with {n} items and batch_size {bs} they should be "
             f"{sizes_for(n, bs)}", HINT)
    if not shuffle and order != list(range(n)):
        fail(f"{what}: with shuffle=False the items should come in the dataset's order", HINT)
    return order


@points(1)
def test_batches_in_order_and_collated(submission):
    """without shuffling: every item once, in order, as stacked (xb, yb) tensors; a second loop gives the same"""
    for n, bs, seed in [(20, 5, 1), (12, 1, 2), (12, 4, 3)]:
        x, y = dataset(n, seed)
        epochs = loop(submission, x, y, bs, False, epochs=2)
        first = check_epoch(epochs[0], x, y, bs, False, f"{n} items, batch_size {bs}")
        if not epochs[1]:
            fail("the second loop over the same loader gave no batches: the loader is used up after one pass (an "
                 "iterator with __next__ that never starts again); write __iter__ as a generator (with yield) so "
                 "every `for` loop starts afresh", HINT)
        if check_epoch(epochs[1], x, y, bs, False, f"{n} items, second loop") != first:
            fail("looping a second time gave different batches", HINT)


@property_case
@points(1)
def test_last_partial_batch_is_kept(submission):
    """when batch_size does not divide the dataset, the last, smaller batch is kept"""
    for n, bs, seed in [(23, 5, 4), (64, 10, 5), (3, 10, 6)]:
        x, y = dataset(n, seed)
        check_epoch(loop(submission, x, y, bs, False)[0], x, y, bs, False, f"{n} items, batch_size {bs}")


@points(1.5)
def test_shuffle_is_a_new_permutation_every_epoch(submission):
    """with shuffle=True each epoch is a permutation of all items, in a new order every epoch"""
    n, bs = 41, 6
    x, y = dataset(n, 7)
    epochs = loop(submission, x, y, bs, True, epochs=3)
    if not all(epochs):
        fail("with shuffle=True, a later loop over the same loader gave no batches: the loader is used up after "
             "one pass; write __iter__ as a generator (with yield)", HINT)
    orders = [check_epoch(epoch, x, y, bs, True, f"shuffle=True, epoch {i + 1}") for i, epoch in enumerate(epochs)]
    if all(order == list(range(n)) for order in orders):
        fail("with shuffle=True the items still came in the dataset's order: shuffle the indices", HINT)
    if orders[0] == orders[1] == orders[2]:
        fail("with shuffle=True every epoch used the same order: the shuffling happened once (in __init__?); take "
             "a new permutation at the start of every loop, inside __iter__", HINT)


@property_case
@points(0.5)
def test_number_labels_are_collated(submission):
    """labels that are plain Python numbers are collated into a tensor too"""
    x, y = dataset(10, 8, int_labels=True)
    check_epoch(loop(submission, x, y, 4, False)[0], x, y, 4, False, "labels that are Python ints")


@property_case
@points(0.5)
def test_dataset_indexed_one_item_at_a_time(submission):
    """the loader works with a dataset that only offers len() and dataset[i]"""
    x, y = dataset(11, 9)
    check_epoch(loop(submission, x, y, 3, False, index_only=True)[0], x, y, 3, False,
                "a dataset indexed one item at a time")
    check_epoch(loop(submission, x, y, 3, True, index_only=True)[0], x, y, 3, True,
                "a dataset indexed one item at a time, shuffled")

