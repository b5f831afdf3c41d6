"""Near-identical submissions: normalised token streams, winnowed fingerprints, an index from fingerprint to student.

The question an instructor asks is "did these two hand in the same code?", so the comparison ignores what copying
changes cheaply and keeps what it does not:

* **Comments, blank lines and layout** are dropped: re-commenting or re-indenting is free.
* **Docstrings** (a string that is a whole statement) are dropped: the starter ships them, and prose is what the
  written answers' rubrics judge, not code similarity.  **Other string literals** become one placeholder ``S``:
  rewording a message is free, while the place of a string in the code is structure worth keeping.
* **Identifiers** become one placeholder ``V``, so renaming variables, parameters, helpers and the attributes of
  ``self`` hides nothing.  Kept verbatim: keywords, builtins, other attributes (``p.grad.zero_``: they name a
  library's API), keyword-argument
  names inside calls (``requires_grad=True``), imported names (an alias counts as what it aliases, so
  ``import numpy as np`` and ``import numpy`` read alike) and the graded names (``Learner``, ``double_odds``),
  which every student must use and which nobody can rename.  **Numbers** stay: learning rates and epoch counts
  are choices, and two students rarely make all the same ones by chance.

Fingerprints follow MOSS (Schleimer, Wilkerson and Aiken, *Winnowing*, SIGMOD 2003): hashes of every ``K``
consecutive tokens, of which each window of ``W`` hashes contributes its minimum, so any match of at least
``K + W - 1`` tokens is guaranteed to share a fingerprint, wherever it sits in the file.  Fingerprints that also
occur anywhere in the starter code (every student received it) or in more than half of the class (the chapter's
idioms) are no evidence and are removed before anything is compared.

Students are then compared through an index from fingerprint to students, never text against text: every
fingerprint that m students hold adds one to each of its m(m-1)/2 pairs, all generated at once with numpy, so the
work grows with what students share, not with the square of the class times the length of their code.

Tokens come from one regular expression that follows Python's token grammar (names, strings with their prefixes,
comments, numbers, and the multi-character operators listed by the :mod:`tokenize` module), not from
``tokenize.generate_tokens``: the generator alone takes about 1.7 s for 300 notebooks of 445 lines on the grading
machine, which is three times the whole check, and it raises on code students really hand in (unclosed brackets,
stray indentation, IPython syntax).  The regular expression never raises: a character it does not know becomes a
token of its own, an unterminated string ends at the end of its line (a triple-quoted one at the end of the file),
so broken code is compared as far as it goes.
"""
from __future__ import annotations

import builtins
import keyword
import re
import tokenize
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

K = 10  # tokens per k-gram: about one line of code
W = 6  # winnowing window: every shared run of K + W - 1 = 15 tokens (one or two lines) is guaranteed to be seen
MIN_FINGERPRINTS = 20  # fewer own fingerprints than this (about 8 lines of own code) is too little to judge
SAMPLE_LINES = 3  # shared lines quoted as evidence
SAMPLE_WIDTH = 120  # characters of a quoted line

NAME, STRING = "V", "S"
_STRING = (r"'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)"
           r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'
           r"|'(?:[^'\\\n]|\\.)*'?"
           r'|"(?:[^"\\\n]|\\.)*"?')
# Python's multi-character operators, from the tokenize module's own table; single characters are matched by \S.
_OPERATORS = "|".join(re.escape(op) for op in sorted(tokenize.EXACT_TOKEN_TYPES, key=lambda op: (-len(op), op))
                      if len(op) > 1)
_TOKEN = re.compile(
    r"[ \t\f]*("
    r"[^\W\d]\w*(?:(?<=[rRbBfFuU])(?:" + _STRING + r"))?"  # a name, or a string with its prefix (r"", f'')
    r"|" + _STRING +
    r"|#[^\n]*"  # a comment
    r"|\d[\w.]*(?:(?<=[eE])[-+]\d\w*)?|\.\d\w*"  # a number: loosely, so 1e-5, 0x1F, 1_000 and 3j are one token
    r"|\n|" + _OPERATORS + r"|\S)", re.S)
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+)?import[ \t]+([^\n#;]+)", re.M)
_TOP_DEF = re.compile(r"^(?:async[ \t]+)?(?:def|class)[ \t]+([^\W\d]\w*)", re.M)
_TOP_ASSIGN = re.compile(r"^([^\W\d]\w*)[ \t]*(?::[^=\n]*)?=(?!=)", re.M)
_VERBATIM = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_OWN = frozenset({"self", "cls"})  # attributes of these are the student's own names, renamed like variables

# Stable token ids (CRC-32, not the salted built-in hash) so the same code always gives the same fingerprints.
_IDS: dict[str, int] = {}


@dataclass(frozen=True)
class Pair:
    """Two submissions whose own code is near-identical.

    ``score`` is the containment of the smaller fingerprint set in the larger (shared / smaller), not Jaccard:
    a copy padded with extra work, or a half-finished notebook copied from a complete one, is still a copy, and
    Jaccard would dilute it by the size of the larger file.  Jaccard is kept for the evidence.
    """

    a: str
    b: str
    score: float
    jaccard: float
    shared_fingerprints: int
    own_fingerprints: tuple[int, int]  # of a and of b, after the starter's and the common ones are removed
    shared_lines: tuple[int, int]  # lines of a and of b covered by shared fingerprints
    sample: tuple[str, ...]  # a few of those lines of a (not lines of the starter), as written

    @property
    def evidence(self) -> list[str]:
        """The pair's case in plain sentences (student-controlled code lines included: escape when rendering)."""
        smaller = min(self.own_fingerprints)
        out = [f"{self.score:.0%} of the smaller submission's own code fingerprints are shared "
               f"({self.shared_fingerprints} of {smaller}; Jaccard {self.jaccard:.0%}).",
               f"Shared code covers {self.shared_lines[0]} lines of {self.a} and {self.shared_lines[1]} lines "
               f"of {self.b} (the starter code and the class's common idioms are not counted)."]
        out.extend(f"Shared line, as {self.a} wrote it: {line}" for line in self.sample)
        return out


@dataclass
class _Prints:
    hashes: np.ndarray  # winnowed fingerprints, one per selected position
    positions: np.ndarray  # token index where each fingerprint's k-gram starts
    lines: np.ndarray  # source line (1-based) of every token


def starter_names(starter: str) -> frozenset[str]:
    """The names the starter defines at top level (functions, classes, assigned names): the graded names."""
    return frozenset(_TOP_DEF.findall(starter)) | frozenset(_TOP_ASSIGN.findall(starter))


def _imports(code: str) -> dict[str, str]:
    """Imported names as the code uses them -> the symbol they stand for (an alias stands for what it aliases)."""
    found: dict[str, str] = {}

    def verbatim(dotted: str) -> None:
        for name in dotted.split("."):
            if name.isidentifier():
                found.setdefault(name, name)

    for match in _IMPORT.finditer(code):
        verbatim(match.group(1) or "")
        for part in match.group(2).replace("(", " ").replace(")", " ").replace("\\", " ").split(","):
            words = part.split()
            if words and words[0] != "*":
                verbatim(words[0])
            if len(words) == 3 and words[1] == "as" and words[2].isidentifier():
                found[words[2]] = words[0].rsplit(".", 1)[-1]
    return found


def _lex(code: str) -> list[str]:
    return _TOKEN.findall(code.replace("\r\n", "\n").replace("\r", "\n"))


_NEWLINE, _SKIP, _STRING_TOKEN, _OPENER, _CLOSER, _NAME, _VERBATIM_TOKEN, _STATEMENT = range(8)
# Keywords that can only begin a statement: one at the start of a line closes any brackets left open before it,
# so an unclosed bracket in broken code upsets one statement, not the rest of the file.
_STATEMENTS = frozenset({"def", "class", "return", "import", "while", "try", "except", "finally", "raise", "pass",
                         "del", "global", "nonlocal", "assert", "with"})


def _kind(tok: str) -> int:
    """The context-free class of a raw token."""
    first = tok[0]
    if first == "\n":
        return _NEWLINE
    if first == "#" or tok == "\\":
        return _SKIP  # a comment, or a backslash joining two lines
    if "'" in tok or '"' in tok:  # only strings hold a quote once comments are taken
        return _STRING_TOKEN
    if tok in _OPEN:
        return _OPENER
    if tok in _CLOSE:
        return _CLOSER
    if tok in _STATEMENTS:
        return _STATEMENT
    if (first.isalpha() or first == "_") and tok not in _VERBATIM and not (tok[:2] == "__" == tok[-2:]):
        return _NAME  # (dunder names such as __init__ are Python's vocabulary, not the student's)
    return _VERBATIM_TOKEN  # numbers, keywords, builtins, operators


def _in_signature(raw: list[str], i: int) -> bool:
    """Whether the name at ``raw[i]`` sits in a ``def``'s parameter list (a default, the student's own name)."""
    depth = 0
    for j in range(i - 1, max(i - 400, 0) - 1, -1):
        tok = raw[j]
        if tok in _CLOSE:
            depth += 1
        elif tok in _OPEN:
            if depth == 0:
                return j >= 2 and raw[j - 2] == "def"
            depth -= 1
    return False


def _normalise(code: str, keep: Iterable[str], kinds: dict[str, int] | None = None) -> tuple[list[str], list[int]]:
    """The normalised symbols of ``code`` and the source line of each; see the module docstring for the rules.

    One pass over the tokens with a table of token kinds (``kinds``, shared across a class), most frequent kind
    first: this loop is most of the similarity check's time.  Context comes from the neighbouring raw tokens: a
    name right after ``.`` is an attribute, a name followed by ``=`` inside brackets is a keyword argument, and a
    string that starts a line outside brackets and ends it is a docstring.
    """
    raw = _lex(code)
    raw.append("\n")  # a sentinel, so raw[i + 1] always exists
    kinds = {} if kinds is None else kinds
    for tok in set(raw).difference(kinds):
        kinds[tok] = _kind(tok)
    literal = _imports(code)
    for name in keep:
        literal.setdefault(name, name)
    symbols: list[str] = []
    lines: list[int] = []
    emit, at, literal_of = symbols.append, lines.append, literal.get
    line, depth, i = 1, 0, -1
    for tok, kind in zip(raw, map(kinds.__getitem__, raw)):
        i += 1
        if kind == _VERBATIM_TOKEN:
            emit(tok)
        elif kind == _NAME:
            sym = literal_of(tok)
            if sym is None:
                before = raw[i - 1]
                api = (before == "." and raw[i - 2] not in _OWN) or (
                    depth and raw[i + 1] == "=" and not _in_signature(raw, i))
                sym = tok if api else NAME
            emit(sym)
        elif kind == _NEWLINE:
            line += 1
            continue
        elif kind == _OPENER:
            depth += 1
            emit(tok)
        elif kind == _CLOSER:
            depth = depth - 1 if depth else 0
            emit(tok)
        elif kind == _STATEMENT:
            if depth and raw[i - 1] == "\n":
                depth = 0
            emit(tok)
        elif kind == _STRING_TOKEN:
            start, line = line, line + tok.count("\n")
            if depth == 0 and (i == 0 or raw[i - 1] == "\n"):
                j = i + 1
                while kinds[raw[j]] == _SKIP:
                    j += 1
                if raw[j] in ("\n", ";"):
                    continue  # a docstring, or a bare string used as a comment
            emit(STRING)
            at(start)
            continue
        else:
            continue
        at(line)
    return symbols, lines


def normalise(code: str, keep: Iterable[str] = ()) -> list[str]:
    """The token stream compared for similarity: layout, comments and docstrings dropped, strings as ``S``,
    identifiers as ``V`` unless they are keywords, builtins, attributes, keyword arguments, imported or in
    ``keep`` (the graded names).  Never raises, whatever the text."""
    return _normalise(code, keep)[0]


def _ids(symbols: list[str]) -> np.ndarray:
    for sym in set(symbols).difference(_IDS):
        _IDS[sym] = zlib.crc32(sym.encode("utf-8", "surrogatepass")) + 1
    return np.fromiter(map(_IDS.__getitem__, symbols), dtype=np.uint64, count=len(symbols))


def _kgram_hashes(ids: np.ndarray) -> np.ndarray:
    """A 64-bit hash of every K consecutive tokens (polynomial, wrapping, then mixed so minima are unbiased)."""
    n = len(ids) - K + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    base = np.uint64(0x100000001B3)
    for j in range(K):
        h *= base
        h += ids[j:j + n]
    h ^= h >> np.uint64(31)
    h *= np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    return h


def _winnow(hashes: np.ndarray) -> np.ndarray:
    """Positions selected by winnowing: the rightmost minimum of every window of W hashes, each position once."""
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= W:
        return np.array([n - 1 - int(np.argmin(hashes[::-1]))])
    windows = n - W + 1
    low = hashes[:windows].copy()
    for j in range(1, W):
        np.minimum(low, hashes[j:j + windows], out=low)
    chosen = np.full(windows, -1, dtype=np.int64)
    start = np.arange(windows)
    for j in range(W - 1, -1, -1):  # rightmost first, so ties go to the later position (MOSS's rule)
        hit = (chosen < 0) & (hashes[j:j + windows] == low)
        chosen[hit] = start[hit] + j
    keep = np.ones(windows, dtype=bool)
    keep[1:] = chosen[1:] != chosen[:-1]  # positions never decrease from one window to the next
    return chosen[keep]


def _fingerprint(code: str, keep: Iterable[str], kinds: dict[str, int]) -> _Prints:
    symbols, lines = _normalise(code, keep, kinds)
    hashes = _kgram_hashes(_ids(symbols))
    positions = _winnow(hashes)
    return _Prints(hashes[positions], positions, np.asarray(lines, dtype=np.int64))


def _shared_counts(owner: np.ndarray, column: np.ndarray, students: int) -> np.ndarray:
    """students x students counts of shared fingerprints, from (owner, fingerprint) incidences.

    Every fingerprint held by m students adds one to each of its m(m-1)/2 pairs, all pairs generated at once with
    numpy; the work grows with what students actually share, never with the length of their code.
    """
    counts = np.zeros(students * students, dtype=np.int64)
    if len(column) == 0:
        return counts.reshape(students, students)
    order = np.argsort(column, kind="stable")  # owners stay sorted within each fingerprint
    owner, column = owner[order], column[order]
    index = np.arange(len(column))
    starts = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
    ends = np.repeat(np.r_[starts[1:], len(column)], np.diff(np.r_[starts, len(column)]))
    later = ends - index - 1  # the holders after each one in its group: its partners
    step = 1 << 22  # bound the temporary arrays (a few fingerprints held by half the class make many pairs)
    cum = np.cumsum(later)
    lo = 0
    while lo < len(column):
        hi = int(np.searchsorted(cum, (cum[lo - 1] if lo else 0) + step, side="right"))
        hi = max(hi, lo + 1)
        part = later[lo:hi]
        left = np.repeat(index[lo:hi], part)
        first = np.repeat(np.cumsum(part) - part, part)
        right = np.arange(len(left)) - first + left + 1
        counts += np.bincount(owner[left] * students + owner[right], minlength=students * students)
        lo = hi
    counts = counts.reshape(students, students)
    return counts + counts.T


def _sample(code: str, covered: np.ndarray, starter_lines: set[str]) -> tuple[str, ...]:
    """The longest few covered lines that are real code and not the starter's, in file order."""
    source = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = []
    for number in covered.tolist():
        if 1 <= number <= len(source):
            text = source[number - 1].strip()
            if len(text) > 3 and not text.startswith("#") and text not in starter_lines:
                found.append((number, text))
    chosen = sorted(sorted(found, key=lambda item: (-len(item[1]), item[0]))[:SAMPLE_LINES])
    return tuple(text if len(text) <= SAMPLE_WIDTH else text[:SAMPLE_WIDTH - 1] + "…" for _, text in chosen)


def _covered(prints: _Prints, shared: np.ndarray) -> np.ndarray:
    starts = prints.positions[np.isin(prints.hashes, shared)]
    if len(starts) == 0 or len(prints.lines) == 0:
        return np.zeros(0, dtype=np.int64)
    tokens = np.minimum((starts[:, None] + np.arange(K)).ravel(), len(prints.lines) - 1)
    return np.unique(prints.lines[tokens])


def similar_pairs(codes: dict[str, str], starter: str, threshold: float = 0.85, *,
                  keep: Iterable[str] | None = None) -> list[Pair]:
    """Pairs of submissions whose own code is at least ``threshold`` contained one in the other, best first.

    ``codes`` maps a student key to the code of their submission (all code cells, in order); ``starter`` is the
    code every student received (the workbook's code cells; append the chapter's own listings to it and code
    typed from the book stops counting too).  ``keep`` names the identifiers never renamed; by
    default the names the starter defines (the graded names).  A fingerprint counts only if the starter does not
    contain it and at most half of the class (but always a pair) holds it; a submission with fewer than
    ``MIN_FINGERPRINTS`` own fingerprints left is not judged.  Deterministic: the same input, the same pairs.
    """
    texts = {key: code if isinstance(code, str) else "" for key, code in codes.items()}
    keys = sorted(texts)
    if len(keys) < 2:
        return []
    keep = starter_names(starter) if keep is None else frozenset(keep)
    kinds: dict[str, int] = {}
    prints = [_fingerprint(texts[key], keep, kinds) for key in keys]
    starter_prints = np.unique(_kgram_hashes(_ids(_normalise(starter, keep, kinds)[0])))
    own = [np.unique(p.hashes) for p in prints]
    own = [h[~np.isin(h, starter_prints, assume_unique=True)] for h in own]
    everything = np.concatenate(own)
    owner = np.repeat(np.arange(len(keys)), [len(h) for h in own])
    unique, column, holders = np.unique(everything, return_inverse=True, return_counts=True)
    common = holders > max(2.0, len(keys) / 2)
    counted = ~common[column]
    sizes = np.bincount(owner[counted], minlength=len(keys))
    shared_mask = counted & (holders[column] >= 2)
    _, shared_column = np.unique(column[shared_mask], return_inverse=True)  # only fingerprints two students hold
    shared = _shared_counts(owner[shared_mask], shared_column.ravel(), len(keys))
    kept_hashes = [h[~np.isin(h, unique[common])] for h in own]

    starter_lines = {line.strip() for line in starter.splitlines()}
    smaller = np.minimum.outer(sizes, sizes)
    scores = shared / np.maximum(smaller, 1)
    candidates = (smaller >= MIN_FINGERPRINTS) & (shared > 0) & (scores >= threshold)
    pairs = []
    for i, j in zip(*np.nonzero(np.triu(candidates, k=1))):
        i, j = int(i), int(j)
        both = int(shared[i, j])
        common_hashes = np.intersect1d(kept_hashes[i], kept_hashes[j], assume_unique=True)
        covered_a, covered_b = _covered(prints[i], common_hashes), _covered(prints[j], common_hashes)
        pairs.append(Pair(a=keys[i], b=keys[j], score=round(both / int(smaller[i, j]), 4),
                          jaccard=round(both / int(sizes[i] + sizes[j] - both), 4), shared_fingerprints=both,
                          own_fingerprints=(int(sizes[i]), int(sizes[j])),
                          shared_lines=(len(covered_a), len(covered_b)),
                          sample=_sample(texts[keys[i]], covered_a, starter_lines)))
    return sorted(pairs, key=lambda p: (-p.score, p.a, p.b))
