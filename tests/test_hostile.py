"""Hostile submissions score zero on what they target: the judge never holds a student object.

The first tests below write small attacks inline and run them cold and warm.  The rest grade the corpus in
``tests/hostile/`` (one attack per file or per-student folder; each file says in its first lines what it tries) in
one batch, next to two honest submissions, and check that every attack gets exactly the outcome in ``ATTACKS``
while the test process, the gradebook and the other submissions are unaffected.
"""
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.config import REPO_ROOT, load_settings
from grader.results import Outcome, SubmissionResult

WRONG_Q04 = "def double_odds(nums):\n    return [0] * len(nums)\n"


@pytest.fixture(scope="module")
def zygote():
    from grader.config import Limits
    from grader.sandbox.host.warm import Zygote

    with Zygote(Limits()) as z:
        yield z


@pytest.fixture(params=["cold", "warm"])
def grade_it(request, settings):
    """Every attack fails the same way whether the sandbox starts cold or is forked warm from a zygote."""
    from grader.grading.grade import grade

    zygote = request.getfixturevalue("zygote") if request.param == "warm" else None

    def run(path, exercises=None, mode="grade", **overrides):
        chosen = load_settings(**{"timeout": 20, "memory_mb": 2048, **overrides}) if overrides else settings
        return grade(path, chosen, mode=mode, exercise_ids=exercises, zygote=zygote)
    return run


def q04(result):
    return result.exercise("q04")


def test_always_equal_object_is_not_plain_data(make_script, grade_it):
    path = make_script("class Anything:\n    def __eq__(self, other):\n        return True\n"
                       "    __hash__ = object.__hash__\n"
                       "def double_odds(nums):\n    return Anything()\n")
    ex = q04(grade_it(path, ["q04"]))
    assert ex.score == 0
    assert any("not plain data" in c.message for c in ex.cases)


def test_patched_torch_and_builtins_do_not_reach_the_judge(make_script, grade_it):
    path = make_script("import torch, builtins, operator\n"
                       "torch.allclose = lambda *a, **k: True\n"
                       "torch.equal = lambda *a, **k: True\n"
                       "torch.Tensor.__eq__ = lambda *a, **k: True\n"
                       "operator.eq = lambda *a: True\n"
                       "builtins.isinstance = lambda *a: True\n" + WRONG_Q04)
    result = grade_it(path, ["q04"])
    assert result.grader_errors == []
    assert q04(result).score == 0


@pytest.mark.parametrize("exit_call", ["import sys\nsys.exit(0)", "import os\nos._exit(0)",
                                       "raise SystemExit(0)", "import os, signal\nos.kill(os.getpid(), 9)"])
def test_exiting_mid_notebook_neither_passes_nor_stops_grading(make_notebook, grade_it, exit_call):
    path = make_notebook([exit_call, WRONG_Q04])
    result = grade_it(path, ["q04"])
    ex = q04(result)
    assert ex.score == 0 and ex.outcome is Outcome.FAILED
    assert result.grader_errors == []


def test_exiting_before_a_right_answer_does_not_lose_it(make_notebook, grade_it):
    path = make_notebook(["import os\nos._exit(0)",
                          "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"])
    ex = q04(grade_it(path, ["q04"]))
    assert all(c.outcome is Outcome.PASSED for c in ex.cases if c.name != "written answer")


def test_forged_results_on_stdout_and_disk_change_nothing(make_script, grade_it):
    forged = ('{"score": 2, "max_score": 2, "exercises": [{"id": "q04", "outcome": "passed"}]}')
    path = make_script("import json, os\n"
                       f"print({forged!r})\nprint('q04 PASSED 2/2\\n===== 5 passed in 0.01s =====')\n"
                       f"open('result.json', 'w').write({forged!r})\n"
                       "os.makedirs('out', exist_ok=True)\n" + WRONG_Q04)
    result = grade_it(path, ["q04"])
    assert q04(result).score == 0
    assert result.score == 0 and "PASSED" in result.output  # the text is kept as output, nothing more


def test_searching_the_disk_for_answers_finds_nothing(make_script, grade_it):
    path = make_script(
        "import os, glob\n"
        "FOUND = []\n"
        "for root, dirs, files in os.walk('/', onerror=lambda e: None):\n"
        "    dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev')]\n"
        "    FOUND += [os.path.join(root, f) for f in files if f in ('solution.py', 'test_hidden.py')]\n"
        "def double_odds(nums):\n"
        "    for path in FOUND:\n"
        "        if 'q04' in path and path.endswith('solution.py'):\n"
        "            scope = {}\n"
        "            exec(open(path).read(), scope)\n"
        "            return scope['double_odds'](nums)\n"
        "    return None\n")
    assert q04(grade_it(path, ["q04"], timeout=60)).score == 0


def test_patched_tensor_comparisons_cannot_pass_a_wrong_tensor_answer(make_script, grade_it):
    path = make_script("import torch\n"
                       "torch.allclose = lambda *a, **k: True\n"
                       "torch.equal = lambda *a, **k: True\n"
                       "torch.Tensor.__eq__ = lambda *a, **k: True\n"
                       "torch.testing.assert_close = lambda *a, **k: None\n"
                       "def doubled_corner(t):\n    return t[1:, 1:]\n")
    ex = grade_it(path, ["q09"]).exercise("q09")
    assert ex.outcome is not Outcome.PASSED
    assert any("t*2" in c.message or "doubled" in c.message for c in ex.cases if c.outcome is Outcome.FAILED)


# ------------------------------------------------------------------------------------------ the corpus, in one batch

HOSTILE = REPO_ROOT / "tests" / "hostile"
TWIN = REPO_ROOT / "solutions" / "q33" / "wrong" / "ignores_epochs.py"  # seed_tampering's loop, without the tampering
EXERCISES = ["q04", "q08", "q09", "q13", "q24", "q27", "q33"]
CANARY = "HOSTILE_CANARY_SECRET"  # in the grader's environment during the batch; no sandbox may see it
ESCAPE = "hostile-escape-marker"  # what attacks try to write outside the sandbox
PERSIST = "hostile-persist-marker"  # what the persistence writers leave for the reader

# Case names (each case is named by its test's docstring) and the messages the attacks should end up with.
Q04_EXAMPLE = "double_odds([1, 2, 3, 4, 5]) gives [2, 6, 10]"
Q04_UNSEEN = "double_odds is right on lists it has never seen (negatives, repeats, long lists)"
Q09_INT = "doubled_corner is right on integer 3×3 tensors it has never seen (negatives, int64 and int32)"
Q33_EPOCHS = "train_model makes exactly `epochs` passes over the data (0, 1 and 4 epochs)"
UNSEEN_WRONG = "double_odds gave a wrong list on an unseen input"
CORNER_OF_T = "doubled_corner took the corner of t itself; the corner must come from t*2, the doubled tensor"
CANNOT_ACCEPT = "your code sent something the grader cannot accept: "
WRONG_SHAPE = ("your code sent the grader a reply of the wrong shape ({}); did something in it change the sandbox's "
               "worker?")
Q04_EDGES = "double_odds handles an empty list and a list with no odd numbers"
TOO_BIG = CANNOT_ACCEPT + "a reply of {} bytes (the limit is 67108864 bytes)"
Q04_HOW = "double_odds uses a list comprehension rather than a for loop with append"
Q04_PUBLIC_HOW = "double_odds is written as a list comprehension"
Q04_LOOP = "double_odds uses a for/while loop; Q4 asks for a list comprehension instead"
Q08_SPEED = "paired_rmse is at least 20 times faster than a Python loop over the same pixels"
ONLY_TIMES = re.compile(r"paired_rmse was only \d+\.\d times faster than a plain Python loop over the same pixels "
                        r"\(Q8 asks for at least 20 times\): .*")
Q13_LAZY = "batches is a generator function: it uses yield and makes each batch only when asked"
Q24_NO_SHUFFLE = ("without shuffling: every item once, in order, as stacked (xb, yb) tensors; a second loop gives the "
                  "same")
Q27_VIEW = "the result shares memory with x (a view: writing into it changes x), and x keeps its shape"


def tampered(cell: int, line: int, what: str) -> str:
    return (f"tampering: cell {cell}, line {line}: {what}; this exercise's code reaches into the grader's machinery "
            "(see the tampering note), so checks of how it works cannot be trusted")


def not_plain(kind: str) -> str:
    return (f"your code returned something the grader cannot read: a value of type __main__.{kind} is not plain "
            "data (use numbers, strings, lists, tuples, dicts, numpy arrays or tensors)")


@dataclass(frozen=True)
class Attack:
    """What one hostile submission must get.

    ``seen`` lists (where, text) pairs the student or instructor sees: ``case:<case name>`` (that case's message),
    ``note`` (a line of the result's notes), ``feedback`` (a line of the exercise's feedback), ``incident`` (an
    incident's message) or ``output`` (a line of what the code printed).  A text is matched exactly, a compiled
    pattern in full.  ``incidents`` are the kinds of every incident, exactly.  ``weakness`` marks a row the grader
    gets wrong today: the row is a strict xfail whose reason says what is wrong.
    """

    name: str  # the student key: the file's stem, or the per-student folder's name
    exercise: str
    score: float
    outcome: Outcome
    seen: tuple = ()
    incidents: tuple = ()
    weakness: str = ""


ATTACKS = [
    # Values dressed up as right
    Attack("always_equal", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, not_plain("AlwaysEqual")),)),
    Attack("code_in_reduce_repr", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, not_plain("Payload")),)),
    Attack("tensor_subclass_eq", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T),)),
    Attack("torch_function_override", "q09", 0, Outcome.FAILED, (
        ("case:" + Q09_INT, "doubled_corner took the top-left corner; Q9 asks for the bottom-right one (the last two "
                            "rows and the last two columns)"),)),
    Attack("patched_torch", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T),)),
    Attack("patched_numpy", "q09", 0, Outcome.FAILED, (
        ("case:" + Q09_INT, "doubled_corner returned an ndarray; it should return a tensor"),)),
    Attack("patched_builtins", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("note", "cell 2 ended the sandbox process (exit status 1, as os._exit() does)"),
        ("note", "cell 3 sent something the grader cannot accept: truncated frame")), ("died", "protocol")),
    Attack("patched_pytest", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    # Files shipped next to the notebook, or written by it
    Attack("shipped_conftest", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    Attack("shipped_sitecustomize", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    Attack("shipped_pth", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    Attack("shipped_torch", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T),)),
    Attack("shipped_pytest", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    Attack("writes_modules", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("output", "imported the planted modules: /sandbox/work/torch.py /sandbox/work/pytest.py"))),
    # Leaving early
    Attack("exit_sys_before_answers", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("note", "cell 0 raised SystemExit: sys.exit(0) was called; the grader ignored it and went on with the next "
                 "cell"))),
    Attack("exit_os_before_answers", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("incident", "cell 0 ended the sandbox process (exit status 0, as os._exit() does)")), ("died",)),
    Attack("exit_raised_in_call", "q04", 0, Outcome.ERROR, (
        ("case:" + Q04_UNSEEN, "your code raised SystemExit: sys.exit(0) was called during the test"),)),
    Attack("kill_own_group", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, "your code was killed"),)),
    Attack("kill_everything", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    # Forged results and a forged channel
    Attack("forged_stdout", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("output", "============================== 5 passed in 0.02s =============================="))),
    Attack("forged_result_files", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    Attack("wire_garbage_every_fd", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("incident", "cell 2 sent something the grader cannot accept: a reply of 18446744073709551615 bytes (the "
                     "limit is 67108864 bytes)")), ("protocol",)),
    Attack("wire_forged_replies", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_EXAMPLE, "double_odds([1, 2, 3, 4, 5]) should keep 1, 3 and 5 and double them"),
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG)), ("protocol",)),
    Attack("grader_memory_frame", "q04", 0, Outcome.ERROR, (
        ("case:" + Q04_EXAMPLE, CANNOT_ACCEPT + "a value whose structure takes 63 MB (the limit is 8 MB): return bulk "
                                               "data as an array or tensor"),
    )),
    # Looking for answers: each answers right only if it finds something
    Attack("grader_stack_frames", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T),)),
    Attack("grader_memory_environ", "q09", 0, Outcome.FAILED, (
        ("case:" + Q09_INT, CORNER_OF_T), ("output", "secrets found: []"))),
    Attack("disk_search", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T), ("output", "found: []"))),
    Attack("network", "q09", 0, Outcome.FAILED, (
        ("case:" + Q09_INT, CORNER_OF_T),
        ("output", "('1.1.1.1', 443): PermissionError: [Errno 1] Operation not permitted"),
        ("output", "('127.0.0.1', 22): PermissionError: [Errno 1] Operation not permitted"),
        ("output", "\0grader: PermissionError: [Errno 1] Operation not permitted"))),
    Attack("ptrace_vm_readv", "q09", 0, Outcome.FAILED, (
        ("case:" + Q09_INT, CORNER_OF_T), ("output", "errno after the last try: Operation not permitted"))),
    Attack("write_outside", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    Attack("00_persist_writer_dev_shm", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T),)),
    Attack("01_persist_writer_root", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T),)),
    Attack("zz_persist_reader", "q09", 0, Outcome.FAILED, (
        ("case:" + Q09_INT, CORNER_OF_T), ("output", "notes found in: []"))),
    # Resources: the bomb is stopped and recorded, and the (right) answer next to it is still graded
    Attack("fork_bomb", "q04", 2.0, Outcome.PARTIAL, (
        ("note", re.compile(r"cell 2 ran longer than the 5 s limit and was stopped; it had 2[3-5]\d processes and "
                            r"threads running, the most a sandbox may have \(256\): does something start "
                            r"processes in a loop\?")),), ("timeout",)),
    Attack("memory_bomb", "q04", 2.0, Outcome.PARTIAL, (
        ("note", "cell 3 used more than 1024 MB of memory and was stopped"),), ("memory",)),
    Attack("disk_fill", "q04", 2.0, Outcome.PARTIAL, (
        ("note", "cell 5, line 6 raised OSError: [Errno 28] No space left on device"),)),
    Attack("disk_fill_dev_shm", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, CORNER_OF_T),),
           ),
    Attack("giant_output", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("incident", "printed 313524524 bytes more than the output limit"),
        ("output", "[... 313524524 more bytes of output were dropped ...]")), ("output",)),
    Attack("threads_left_running", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("incident", re.compile(r"printed \d+ bytes more than the output limit"))), ("output",)),
    Attack("endless_loop_alarm", "q04", 0, Outcome.TIMEOUT, (
        ("case:" + Q04_UNSEEN, "double_odds is not defined because its cell failed: cell 1 ran longer than the 5 s "
                               "limit and was stopped"),
        ("feedback", "cell 1 ran longer than the 5 s limit and was stopped")), ("timeout",)),
    Attack("sleep_in_call", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, "your code took longer than 5 s; the sandbox was stopped"),)),
    Attack("seed_tampering", "q33", 2.0, Outcome.PARTIAL, (
        ("case:" + Q33_EPOCHS, "train_model(model, 4, ...) went over the data loader once; it should make exactly "
                               "`epochs` passes, one per epoch (for _ in range(epochs))"),)),
    # The harness's own look at the answer, forged from inside: what a harness binds is bound before any cell
    # runs, what it reads goes through those bindings, and the patch itself is flagged
    Attack("patched_isgenerator", "q13", 1.7143, Outcome.PARTIAL, (
        ("case:" + Q13_LAZY, "batches returned a list holding every batch at once; write it as a generator function "
                             "with yield, so that each batch is made only when the training loop asks for it"),
        ("feedback", tampered(3, 1, "rebinds inspect.isgenerator in a module it did not define")))),
    Attack("patched_view_probe", "q27", 1.0, Outcome.PARTIAL, (
        ("case:" + Q27_VIEW, re.compile(r"flatten_images returned a copy: the result does not share memory with "
                                        r"x\..*")),
        ("feedback", tampered(4, 1, "rebinds torch.Tensor.data_ptr in a module it did not define")))),
    Attack("rewritten_module", "q24", 0, Outcome.FAILED, (
        ("case:" + Q24_NO_SHUFFLE, "DataLoader is not defined with a class statement at the top level of your "
                                   "notebook (imported from a library?); Q24 asks you to write the batching, "
                                   "collating and shuffling yourself, in your own class DataLoader"),
        ("feedback", tampered(3, 3, "rebinds cls.__module__")))),
    # One body shown to the checks of how it is written, another run: every definition of the name is read, the
    # one the sandbox has bound first
    Attack("rebound_in_if_true", "q04", 1.1429, Outcome.PARTIAL, (
        ("case:" + Q04_HOW, Q04_LOOP), ("case:" + Q04_PUBLIC_HOW, "double_odds does not contain a list comprehension"))),
    Attack("hidden_in_if_false", "q04", 1.1429, Outcome.PARTIAL, (
        ("case:" + Q04_HOW, Q04_LOOP), ("case:" + Q04_PUBLIC_HOW, "double_odds does not contain a list comprehension"))),
    Attack("slowed_loop_baseline", "q08", 1.2857, Outcome.PARTIAL, (
        ("case:" + Q08_SPEED, ONLY_TIMES),
        ("feedback", tampered(5, 1, "rebinds math.sqrt in a module it did not define")))),
    Attack("remembered_answers", "q08", 1.2857, Outcome.PARTIAL, (
        ("case:" + Q08_SPEED, ONLY_TIMES),
        ("feedback", tampered(4, 4, "calls globals(), which finds code or names at run time, where reading the "
                                    "source cannot follow")))),
    # Answers too big or too deep for the grader
    Attack("huge_list", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, CANNOT_ACCEPT + "value has more than 2000000 elements"),)),
    Attack("huge_string", "q04", 0, Outcome.ERROR, (("case:" + Q04_UNSEEN, TOO_BIG.format(104857631)),)),
    Attack("huge_tensor", "q09", 0, Outcome.FAILED, (("case:" + Q09_INT, TOO_BIG.format(104857737)),)),
    Attack("deep_nesting", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, "your code returned something the grader cannot read: value nested more than 64 "
                               "levels deep"),)),
    Attack("dict_cycle", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, "your code returned something the grader cannot read: value nested more than 64 "
                               "levels deep"),)),
    # Replies of the wrong shape, from a worker the student's code changed
    Attack("reply_wrong_shape", "q04", 0, Outcome.ERROR, (("case:" + Q04_UNSEEN, WRONG_SHAPE.format(
        "the 'frames' of its 'error' are an object, not a list of text")),)),
    Attack("events_wrong_shape", "q04", 0, Outcome.FAILED, (
        ("case:" + Q04_UNSEEN, UNSEEN_WRONG),
        ("note", "cell 0 sent something the grader cannot accept: a reply of the wrong shape (a cell_end for cell "
                 "999, which was not running)")), ("protocol",)),
    # Costs: time spread over many calls, a namespace too large to copy per cell, a name like an output's
    Attack("sleep_under_limit", "q04", 0.2857, Outcome.TIMEOUT, (
        ("case:" + Q04_UNSEEN, "your code ran past this exercise's time budget (20 s in all, over every check of "
                               "it); the sandbox was stopped"),
        ("case:" + Q04_EDGES, "your code was not called: this exercise's time budget (20 s in all, over every check "
                              "of it) was used up; the sandbox was stopped"),
        ("feedback", "the checks were stopped when your code had used up this exercise's time budget (20 s in all, "
                     "over every check of it); the calls into your code after that were not made (is something in "
                     "it much slower than it needs to be?)"))),
    Attack("many_globals", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
    Attack("gradebook.csv", "q04", 0, Outcome.FAILED, (("case:" + Q04_UNSEEN, UNSEEN_WRONG),)),
]
# The attacks added with the budgets and the reply checks, also graded one by one, cold and warm (the batch forks
# every sandbox warm).
SINGLY = ["reply_wrong_shape", "events_wrong_shape", "sleep_under_limit", "many_globals", "gradebook.csv",
          # the harness attacks: a cold sandbox and a warm fork both load the harnesses before the first cell
          "patched_isgenerator", "patched_view_probe", "rewritten_module", "rebound_in_if_true"]
HONEST = {"honest_q04": ("q04", 3.0), "honest_q09": ("q09", 2.0)}
HONEST_Q04 = '''# %% exercise: q04
def double_odds(nums):
    """Return the odd numbers of `nums`, doubled, as a list built by a list comprehension."""
    return [2 * n for n in nums if n % 2 == 1]

# %% [markdown] answer: q04
# **Your answer (Q4):** A list comprehension builds a new list in a single expression by applying an expression to
# each item of an iterable, like `[2 * n for n in nums]`; its optional `if` part is a condition that filters which
# items are kept.
'''
HONEST_Q09 = "import torch\n\n\ndef doubled_corner(t):\n    return (t * 2)[1:, 1:]\n"

# Places on this machine that attacks try to write to; none may exist after the batch.
HOST_PLACES = [REPO_ROOT / ESCAPE, REPO_ROOT / "tests" / ESCAPE, REPO_ROOT / "solutions" / "q04" / ESCAPE,
               Path.home() / ESCAPE, Path("/tmp") / ESCAPE, Path("/dev/shm") / ESCAPE, Path("/var/tmp") / ESCAPE,
               Path("/etc") / ESCAPE, Path("/tmp") / PERSIST, Path("/dev/shm") / PERSIST, Path.home() / PERSIST,
               Path("/") / PERSIST, Path("/work") / PERSIST, REPO_ROOT / "exercises" / "q04" / "conftest.py",
               REPO_ROOT / "solutions" / "q04" / "conftest.py", REPO_ROOT / "grader" / "judge" / "conftest.py",
               REPO_ROOT / "out" / "forged_result_files", REPO_ROOT / "graded" / "forged_result_files",
               Path.home() / "graded" / "forged_result_files", Path("/tmp") / "out" / "forged_result_files"]


@dataclass
class Graded:
    batch: object
    out: Path
    results: dict[str, SubmissionResult]
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _descendants(root: int) -> list[int]:
    """Every live process below *root*, from the parent links in /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def _fds() -> dict[int, str]:
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            found[int(fd)] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the descriptor listdir itself used
            pass
    return found


def _state() -> dict:
    """What the batch must not change in this process or on this machine."""
    return {"env": dict(os.environ), "fds": _fds(), "children": sorted(_descendants(os.getpid())),
            "corpus": _tree(HOSTILE), "places": [str(p) for p in HOST_PLACES if os.path.lexists(p)]}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    """The whole corpus, the seed attack's honest twin and two honest submissions, graded in one batch on two
    workers with warm sandboxes and short limits."""
    from multiprocessing import resource_tracker

    from grader.grading.batch import grade_many

    honest = tmp_path_factory.mktemp("honest")
    (honest / "honest_q04.py").write_text(HONEST_Q04, encoding="utf-8")
    (honest / "honest_q09.py").write_text(HONEST_Q09, encoding="utf-8")
    out = tmp_path_factory.mktemp("batch") / "out"
    settings = load_settings(timeout=5, memory_mb=1024, tmp_mb=64)
    # multiprocessing keeps one resource-tracker process (and a pipe to it) for the life of this process once the
    # first worker starts: start it now, so that it is there before and after, and only the batch is compared.
    resource_tracker.ensure_running()
    before = _state()
    os.environ[CANARY] = "the grader's secret: " + os.urandom(8).hex()
    try:
        batch = grade_many([HOSTILE, TWIN, honest / "honest_q04.py", honest / "honest_q09.py"], out, settings,
                           exercise_ids=EXERCISES, jobs=2)
    finally:
        del os.environ[CANARY]
    after = _state()
    return Graded(batch, out, {g.result.submission: g.result for g in batch.graded}, before, after)


def _texts(result: SubmissionResult, exercise: str, where: str) -> list[str]:
    ex = result.exercise(exercise)
    if where.startswith("case:"):
        return [c.message for c in ex.cases if c.name == where[5:]]
    return {"note": result.notes, "feedback": ex.feedback, "incident": [i["message"] for i in result.incidents],
            "output": result.output.splitlines()}[where]


def _about(path: Path) -> str:
    """The first words of a corpus file: its docstring or comment, or a notebook's first cell."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = json.loads(text)["cells"][0]["source"]
    return text.lstrip('#"\n ')


def _param(attack: Attack):
    marks = [pytest.mark.xfail(strict=True, reason=f"grader weakness: {attack.weakness}")] if attack.weakness else []
    return pytest.param(attack, id=attack.name, marks=marks)


@pytest.mark.parametrize("attack", [_param(a) for a in ATTACKS])
def test_each_attack_gets_exactly_its_outcome(graded, attack):
    _assert_outcome(graded.results[attack.name], attack)


@pytest.mark.timeout(600)  # a hang guard: the slowest, sleep_under_limit, stops after its 20 s budget
@pytest.mark.parametrize("name", SINGLY)
def test_each_new_attack_gets_the_same_outcome_graded_alone(grade_it, name):
    attack = next(a for a in ATTACKS if a.name == name)
    path = next(p for p in HOSTILE.iterdir() if (p.stem if p.is_file() else p.name) == name)
    _assert_outcome(grade_it(path, [attack.exercise], timeout=5, memory_mb=1024, tmp_mb=64), attack)


def _assert_outcome(result: SubmissionResult, attack: Attack) -> None:
    ex = result.exercise(attack.exercise)
    assert (ex.outcome, round(ex.score, 4)) == (attack.outcome, attack.score)
    assert result.score == ex.score  # nothing scored on the exercises the attack does not answer
    assert result.grader_errors == []  # nothing the attack did is blamed on the grader
    assert [i["kind"] for i in result.incidents] == list(attack.incidents)
    for where, text in attack.seen:
        found = _texts(result, attack.exercise, where)
        if isinstance(text, re.Pattern):
            assert any(text.fullmatch(t) for t in found), (where, text.pattern, found)
        else:
            assert text in found, (where, text, found)


def test_the_batch_holds_exactly_the_corpus_and_refuses_nothing(graded):
    corpus = {p.stem if p.is_file() else p.name for p in HOSTILE.iterdir() if not p.name.startswith(".")}
    assert len(ATTACKS) >= 32 and len({a.name for a in ATTACKS}) == len(ATTACKS)
    assert {a.name for a in ATTACKS} == corpus
    assert set(graded.results) == corpus | set(HONEST) | {TWIN.stem}
    # Only the four shipped modules are named (the .pth file is not a module), each as not seen by the sandbox.
    shipped = {"shipped_conftest": "conftest", "shipped_pytest": "pytest", "shipped_sitecustomize": "sitecustomize",
               "shipped_torch": "torch"}
    assert sorted(graded.batch.problems) == sorted(
        f"{HOSTILE / folder}: 'notebook.ipynb' is graded on its own: its sandbox does not see '{module}.py' beside "
        "it, so importing from it fails" for folder, module in shipped.items())
    assert graded.batch.skipped == []
    files = [p for p in HOSTILE.rglob("*") if p.is_file()]
    assert len(files) == len(ATTACKS) + 5  # five per-student folders: a notebook and the file shipped with it
    for path in files:  # each file says what it tries, first thing
        assert _about(path).startswith("Attack"), path


def test_honest_submissions_in_the_same_batch_get_full_marks(graded):
    for name, (exercise, points) in HONEST.items():
        result = graded.results[name]
        ex = result.exercise(exercise)
        assert (ex.outcome, ex.score, ex.max_score) == (Outcome.PASSED, points, points)
        assert result.score == points and result.grader_errors == [] and result.incidents == []
        assert result.notes == [] and result.timings["warm_start"] == 1
        assert result.timings["grader_rss_mb"] < 1024  # the grading worker's peak so far (see the forged frame)


def test_seed_tampering_earns_exactly_what_the_same_loop_earns_honestly(graded):
    tampered = graded.results["seed_tampering"].exercise("q33")
    honest = graded.results[TWIN.stem].exercise("q33")
    assert [(c.name, c.outcome, c.score, c.message) for c in tampered.cases] == \
        [(c.name, c.outcome, c.score, c.message) for c in honest.cases]
    assert tampered.score == honest.score == 2.0


def test_the_gradebook_holds_one_current_grading_per_submission_matching_result_json(graded):
    from grader.grading.store import Gradebook

    with Gradebook(graded.out / "gradebook.db") as book:
        current = {g.student.student: g.result for g in book.current()}
        rows = book.db.execute("SELECT student, count(*), sum(current) FROM gradings GROUP BY student").fetchall()
        runs = book.runs()
    assert set(current) == set(graded.results)
    assert all(count == 1 and now == 1 for _, count, now in rows) and len(rows) == len(graded.results)
    assert len(runs) == 1 and runs[0]["graded"] == len(graded.results) and runs[0]["finished"]
    for name, result in graded.results.items():
        on_disk = json.loads((graded.out / "students" / name / "result.json").read_text(encoding="utf-8"))
        assert on_disk["score"] == current[name].score == result.score, name
        assert [e["score"] for e in on_disk["exercises"]] == [e.score for e in current[name].exercises], name
        assert on_disk["submission"] == name
    forged = json.loads((graded.out / "students" / "forged_result_files" / "result.json").read_text(encoding="utf-8"))
    assert forged["score"] == 0 and "hostile-escape-marker" not in \
        (graded.out / "students" / "forged_result_files" / "report.html").read_text(encoding="utf-8")
    report = (graded.out / "students" / "forged_stdout" / "report.html").read_text(encoding="utf-8")
    assert "q04: 3/3 passed" in report  # the printed text is shown, as text
    assert "<script" not in report.lower() and "<!-- grade" not in report


def test_nothing_is_written_outside_the_out_folder(graded):
    expected = {"gradebook.db", "gradebook.csv", "canvas.csv", "junit.xml", "index.html"}
    for name in graded.results:
        expected |= {f"students/{name}/result.json", f"students/{name}/report.html",
                     f"students/{name}/gradescope/results.json"}
    assert {str(p.relative_to(graded.out)) for p in graded.out.rglob("*") if p.is_file()} == expected
    assert graded.before["places"] == [], "a marker was there before the batch: remove it and run again"
    assert graded.after["places"] == []
    assert graded.after["corpus"] == graded.before["corpus"]  # no attack file was changed, no cache was written


def test_the_test_process_is_untouched(graded):
    os.kill(os.getpid(), 0)
    assert graded.after["env"] == graded.before["env"]
    assert graded.after["fds"] == graded.before["fds"]
    assert graded.after["children"] == graded.before["children"]  # no sandbox, worker or bomb left running


def test_a_flood_of_output_is_cut_short_for_the_student_and_flagged_for_the_instructor(graded):
    result = graded.results["giant_output"]
    assert len(result.output) < 30_000 and \
        (graded.out / "students" / "giant_output" / "result.json").stat().st_size < 100_000
    report = (graded.out / "students" / "giant_output" / "report.html").read_text(encoding="utf-8")
    assert "[... 313524524 more bytes of output were dropped ...]" in report and len(report) < 100_000
    dashboard = (graded.out / "index.html").read_text(encoding="utf-8")
    assert "output: printed 313524524 bytes more than the output limit" in dashboard


def test_a_giant_forged_frame_does_not_blow_up_the_grading_worker(graded):
    # The honest submissions, graded first, leave their worker under 1024 MB (about 260 MB here); a reply is at
    # most 64 MB, so a bounded decoder stays well under this.
    assert graded.results["grader_memory_frame"].timings["grader_rss_mb"] < 1024


@pytest.mark.parametrize("start", ["cold", "warm"])
def test_a_submission_cannot_read_what_an_earlier_one_left_behind(start, request):
    """The persistence attack without the luck of scheduling: a writer, then the reader, through one zygote."""
    from grader.grading.grade import grade

    zygote = request.getfixturevalue("zygote") if start == "warm" else None
    settings = load_settings(timeout=20, memory_mb=2048)
    grade(HOSTILE / "00_persist_writer_dev_shm.py", settings, exercise_ids=["q09"], zygote=zygote)
    reader = grade(HOSTILE / "zz_persist_reader.py", settings, exercise_ids=["q09"], zygote=zygote)
    assert "notes found in: []" in reader.output.splitlines()
    assert reader.exercise("q09").score == 0  # what its own (wrong) corner earns: nothing was found to copy


# ------------------------------------------------------------------------------ one worker, one kept session

ROUNDS = ["reply_wrong_shape.py", "events_wrong_shape.py", "kill_own_group.py"]
KEPT_EXERCISES = ["q03", "q04", "q09", "q12", "q13", "q27", "q33", "fr1"]  # a harness, a choice, a training


@pytest.mark.timeout(900)  # a hang guard
def test_a_hostile_submission_never_touches_the_next_ones_grade_on_the_same_warm_worker(tmp_path, monkeypatch):
    """Hostile submissions and the reference notebook, one after another, on one warm worker that keeps one pytest
    session for the batch: the reference gets full marks every time, case for case the same."""
    import shutil

    import grader.grading.grade
    from grader.grading.batch import grade_many

    def no_fresh_session(*args, **kwargs):
        raise AssertionError("a submission was graded in a pytest session of its own, not the kept one")

    monkeypatch.setattr(grader.grading.grade, "run_suites", no_fresh_session)
    folder = tmp_path / "class"
    folder.mkdir()
    for n, attack in enumerate(ROUNDS):
        shutil.copy(HOSTILE / attack, folder / f"{2 * n:02d}_{attack}")
        shutil.copy(REPO_ROOT / "solutions" / "reference.ipynb", folder / f"{2 * n + 1:02d}_reference.ipynb")
    batch = grade_many([folder], tmp_path / "out", load_settings(timeout=30, memory_mb=2048),
                       exercise_ids=KEPT_EXERCISES)
    results = [g.result for g in batch.graded]
    assert [r.submission for r in results] == sorted(p.stem for p in folder.iterdir())  # in this order, one worker
    assert all(r.grader_errors == [] and r.timings["warm_start"] == 1 for r in results), \
        [(r.submission, r.grader_errors) for r in results]
    references = results[1::2]
    first = [(e.id, c.name, c.outcome, c.score) for e in references[0].exercises for c in e.cases]
    for reference in references:
        assert (reference.score, reference.max_score) == (32.0, 32.0), reference.submission
        assert [(e.id, c.name, c.outcome, c.score) for e in reference.exercises for c in e.cases] == first
    assert results[0].exercise("q04").outcome is Outcome.ERROR  # the wrong-shape replies are the student's
