"""Public checks for Q33: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import fail, points

HINT = ("Q33: for each epoch, every batch once: predictions, the loss, its gradients, one optimiser step, then the "
        "gradients cleared for the next batch. See the chapter's section 'Creating an Optimizer'.")


@points(1)
def test_one_epoch_visits_every_batch_once(submission):
    """one epoch takes every batch once, with one step and one zero_grad per batch"""
    gen = torch.Generator().manual_seed(0)
    submission.put("q33/x", torch.rand(40, 3, generator=gen))
    submission.put("q33/y", torch.rand(40, 1, generator=gen))
    run = submission.harness("run_loop", epochs=1, bs=16)  # 40 rows in batches of 16: 16, 16 and 8
    # The log has a letter per event: e = a pass over dl began, t = a batch was taken, l = the loss was computed,
    # g = backward reached the loss, s = opt.step(), z = opt.zero_grad().
    events = run["events"]
    batches = events.split("t")[1:]
    right = events.startswith("et") and len(batches) == 3 and all(
        sorted(b) == ["g", "l", "s", "z"] and b.index("l") < b.index("g") < b.index("s") for b in batches)
    if not right:
        fail("one epoch should take the 3 batches once each, and for each: loss, backward, step and zero_grad", HINT,
             expected="etlgsztlgsztlgsz (zero_grad may also come first in each batch)", actual=events)
