"""Public checks for FR1: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, fail, points, property_case

HINT = ("FR1: step does p -= p.grad * lr in place (Q23), zero_grad clears p.grad (Q31), and fit appends one dict "
        "per epoch to learn.history; see the chapter's sections 'Creating an Optimizer' and 'Putting It All "
        "Together'.")


@points(1)
def test_step_example(submission):
    """BasicOptim.step with lr 0.1 turns [1, 2, 3] with gradient [0.5, -1, 0] into [0.95, 2.1, 3]"""
    result = submission.harness("optim_step", params=[torch.tensor([1.0, 2.0, 3.0])],
                                grads=[torch.tensor([0.5, -1.0, 0.0])], lr=0.1)
    after = result["after_steps"][0][0]
    if not torch.allclose(after, torch.tensor([0.95, 2.1, 3.0])):
        fail("BasicOptim([p], 0.1).step() should subtract 0.1 × p.grad from p", HINT,
             expected=torch.tensor([0.95, 2.1, 3.0]), actual=after)
    cleared = result["grads_after_zero_grad"][0]
    if cleared is not None and cleared.abs().max().item() != 0:
        fail("after zero_grad() the gradient should be None or all zeros", HINT, expected=None, actual=cleared)


@property_case
@points(1)
def test_fit_records_one_row_per_epoch(submission):
    """Learner.fit(2, 0.5) on a tiny problem records two rows with epoch, train_loss, valid_loss, batch_accuracy"""
    result = submission.harness("tiny_fit", epochs=2, lr=0.5)
    if not result["moved"]:
        fail("fit(2, 0.5) did not change the model's parameters", HINT, expected="parameters that moved",
             actual="parameters unchanged")
    history = result["history"]
    if "rows" not in history:
        fail("the Learner should have a list attribute `history`", HINT, expected="a list of 2 dicts",
             actual=history.get("problem"))
    rows = history["rows"]
    keys = [sorted(row) if isinstance(row, dict) else row for row in rows]
    expect_equal(keys, [["batch_accuracy", "epoch", "train_loss", "valid_loss"]] * 2,
                 "learn.history should hold one dict per epoch with these keys", HINT)
