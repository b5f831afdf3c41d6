"""Public checks for Q36: students can run these themselves with `grader check` (the choice is checked when
graded)."""
from grader.judge.api import fail, points
from grader.judge.api import StudentError

HINT = ("Q36: nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out)); nn.Sequential takes "
        "modules, so the ReLU is nn.ReLU(), not F.relu. See the chapter's section 'Adding a Nonlinearity'.")


@points(1)
def test_builds_linear_relu_linear(submission):
    """make_net(784, 30, 1) is an nn.Sequential of Linear(784, 30), ReLU, Linear(30, 1)"""
    try:
        info = submission.harness("describe_net", n_in=784, n_hidden=30, n_out=1)
    except StudentError as exc:
        if exc.type != "TypeError":
            raise
        fail(f"make_net raised TypeError: {str(exc.info.get('message'))[:150]}", HINT,
             expected="nn.Sequential with layers ['Linear', 'ReLU', 'Linear']", actual="TypeError")
    layers = [layer["type"].rsplit(".", 1)[-1] for layer in info.get("layers", [])]
    if not info["is_sequential"] or layers != ["Linear", "ReLU", "Linear"]:
        fail("make_net(784, 30, 1) should be an nn.Sequential of three layers: Linear, ReLU, Linear", HINT,
             expected="nn.Sequential with layers ['Linear', 'ReLU', 'Linear']",
             actual=f"{info['type']} with layers {layers}")
