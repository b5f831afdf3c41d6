"""Hidden suite for Q36: the student's make_net, built inside the sandbox by the public harness for sizes the student
never saw and described as plain data (types, layer sizes, parameters, output). The output on this suite's inputs
is recomputed here from the reported parameters, so the description cannot disagree with what the net does.
The multiple-choice part (choice_q36) is scored by the grader against key.toml."""
import torch

from grader.judge.api import fail, points, type_name
from grader.judge.api import StudentError

HINT = ("nn.Sequential takes modules and calls them in turn: nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), "
        "nn.Linear(n_hidden, n_out)). nn.ReLU() is the module form of the function F.relu. See Q36 and the "
        "chapter's section 'Adding a Nonlinearity'.")
SIZES = [(784, 30, 1), (5, 8, 3), (12, 4, 10)]


def short(type_path: str) -> str:
    return type_path.rsplit(".", 1)[-1]


def describe(submission, n_in, n_hidden, n_out, x=None):
    try:
        return submission.harness("describe_net", n_in=n_in, n_hidden=n_hidden, n_out=n_out, x=x)
    except StudentError as exc:
        message = str(exc.info.get("message"))
        if exc.type == "TypeError" and "is not a Module subclass" in message:
            if "functional.relu" in message or "VariableFunctions" in message or "function" in message:
                fail("make_net put a plain function (F.relu or torch.relu) into nn.Sequential, which accepts only "
                     "modules: use the module version, nn.ReLU()", HINT)
            if "activation.ReLU" in message:
                fail("make_net put the class nn.ReLU into nn.Sequential without calling it: a module is an object "
                     "of that class, so write nn.ReLU()", HINT)
            fail(f"nn.Sequential refused one of make_net's layers ({message[:120]}): every layer must be a module "
                 "object such as nn.Linear(...) or nn.ReLU()", HINT)
        raise


def check_structure(info, n_in, n_hidden, n_out):
    if not info["is_module"]:
        fail(f"make_net returned {info['type']}, not a PyTorch module; return an nn.Sequential", HINT)
    if not info["is_sequential"]:
        fail(f"make_net returned a {short(info['type'])}; Q36 asks for an nn.Sequential of Linear, ReLU, Linear",
             HINT)
    layers = info["layers"]
    kinds = [short(layer["type"]) for layer in layers]
    if not any(layer["is_relu"] for layer in layers):
        others = [k for k in kinds if k != "Linear"]
        if others:
            fail(f"make_net uses {others[0]} between the linear layers; the chapter's net uses nn.ReLU()", HINT)
        fail("make_net has no ReLU between its linear layers: two linear layers in a row are no better than one "
             "(Q37); put nn.ReLU() between them", HINT)
    if len(layers) != 3 or not (layers[0]["is_linear"] and layers[1]["is_relu"] and layers[2]["is_linear"]):
        fail(f"make_net's layers are {kinds}; they should be exactly Linear, ReLU, Linear, in that order", HINT)
    first, last = layers[0], layers[2]
    if (first["in_features"], first["out_features"]) != (n_in, n_hidden):
        fail(f"make_net({n_in}, {n_hidden}, {n_out}): the first linear layer maps {first['in_features']} to "
             f"{first['out_features']} features; it should map n_in to n_hidden", HINT)
    if (last["in_features"], last["out_features"]) != (n_hidden, n_out):
        fail(f"make_net({n_in}, {n_hidden}, {n_out}): the last linear layer maps {last['in_features']} to "
             f"{last['out_features']} features; it should map n_hidden to n_out", HINT)
    if first["bias"] is None or last["bias"] is None:
        fail("make_net built a linear layer without a bias; keep nn.Linear's bias (Q28)", HINT)


@points(2)
def test_layers_for_unseen_sizes(submission):
    """make_net builds an nn.Sequential of Linear, ReLU, Linear with the right sizes, for several sizes"""
    for n_in, n_hidden, n_out in SIZES:
        check_structure(describe(submission, n_in, n_hidden, n_out), n_in, n_hidden, n_out)


@points(1)
def test_output_is_the_nets(submission):
    """the net's output on unseen inputs is Linear → ReLU → Linear of its own parameters"""
    gen = torch.Generator().manual_seed(36)
    for n_in, n_hidden, n_out in SIZES[1:]:
        x = torch.randn(7, n_in, generator=gen) * 2
        check_structure(describe(submission, n_in, n_hidden, n_out), n_in, n_hidden, n_out)
        info = describe(submission, n_in, n_hidden, n_out, x=x)
        out = info.get("output")
        if not isinstance(out, torch.Tensor):
            fail(f"the net returned {type_name(out)} for a batch of inputs; it should return a tensor", HINT)
        first, last = info["layers"][0], info["layers"][2]
        hidden = (x.double() @ first["weight"].double().T + first["bias"].double()).clamp(min=0)
        want = hidden @ last["weight"].double().T + last["bias"].double()
        if tuple(out.shape) != tuple(want.shape):
            fail(f"the net's output has shape {tuple(out.shape)} for a batch of shape {tuple(x.shape)}; it should "
                 f"be {tuple(want.shape)}", HINT)
        if not torch.allclose(out.double(), want, atol=1e-4, rtol=1e-4):
            fail("the net's output is not Linear → ReLU → Linear of its own parameters", HINT)
