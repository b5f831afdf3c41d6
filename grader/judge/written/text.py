"""From a markdown answer cell to the words a rubric reads: prose only, with sentence and clause boundaries kept.

The key an instructor grades by credits what an answer *says*: a point shown only in a code block or a picture is
not credited as said, so fenced and indented code, code-looking lines, pictures and markup are set aside before
matching (inline code stays: ``len(t.shape)`` is part of a sentence).  Boundaries matter because a phrase should
not be stitched together from two sentences, and because a negation ("not", "n't", "never") reaches only to the
end of its clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^\s*(```|~~~)")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
CODE_START = re.compile(r"^\s*(def |class |import |from \S+ import|for \S+ in .*:$|>>>|print\(|return |@\w+[.(]?\S*$)")
SYMBOLS = set("=()[]{}%*+<>/\\@:;,'\"`#|^&~-.")
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.!?;:](?=\s|$)|[,()\n]")
SENTENCE_END = {".", "!", "?", ";", ":"}
CLAUSE_END = SENTENCE_END | {",", "(", ")", "\n"}  # a line break is a clause end: lines are often hard-wrapped
CLAUSE_WORDS = {"but", "because", "so", "although", "though", "however", "whereas", "while", "since", "which",
                "then", "otherwise", "thus", "therefore", "hence", "instead", "whilst", "and"}


@dataclass
class Words:
    """The answer's words in order, and for each the number of its sentence and of its clause."""

    words: list[str]
    sentence: list[int]  # ends at . ! ? ; : and blank lines (a phrase never spans two)
    clause: list[int]
    period: list[int] = None  # ends at . ! ? and blank lines only: the "sentences" a prompt asks for

    def __post_init__(self):
        if self.period is None:
            self.period = list(self.sentence)

    def __len__(self) -> int:
        return len(self.words)


def _code_line(line: str) -> bool:
    """A line that reads as code: a statement start, a comprehension, an assignment or call dense in symbols."""
    text = line.strip().strip("`")
    if not text:
        return False
    if "`" in text and len(re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", " ", text))) >= 4:
        return False  # a sentence with inline code in it
    comprehension = re.search(r"\[.*\bfor\b.*\bin\b.*\]", text)
    if comprehension and len(re.findall(r"[A-Za-z]{2,}", text.replace(comprehension.group(), " "))) >= 5:
        return False  # a sentence with a comprehension in it
    if CODE_START.match(text) or comprehension:
        return True
    chars = sum(not ch.isspace() for ch in text)
    symbols = sum(ch in SYMBOLS for ch in text)
    if re.search(r"\w\s*=\s*\S|\w\(.*\)", text) and symbols >= 0.25 * chars:
        return True
    words = re.findall(r"[A-Za-z]{2,}", text)
    return symbols > sum(len(w) for w in words) and len(words) < 4


def prose(raw: str) -> tuple[str, bool]:
    """The answer without code blocks, code lines, pictures and markup; and whether any code was set aside."""
    lines, out, in_fence, had_code, blank_before = raw.replace("\r\n", "\n").split("\n"), [], False, False, True
    for line in lines:
        if FENCE.match(line):
            in_fence, had_code = not in_fence, True
            continue
        if in_fence:
            continue
        indented = line.startswith(("    ", "\t")) and line.strip() and blank_before
        line = TAG.sub(" ", IMAGE.sub(" ", line))
        if indented or _code_line(line):
            had_code = True
            blank_before = blank_before and bool(indented)
            continue
        blank_before = not line.strip()
        out.append(LINK.sub(r"\1", line).lstrip("#>-*+ \t"))
    return "\n".join(out).strip(), had_code


def normalise(text: str) -> str:
    """Lower case, one apostrophe, and the spellings that would otherwise split a word in two."""
    text = text.lower().replace("’", "'").replace("`", " ").replace("*", " ").replace("_", " ")
    text = re.sub(r"\bnon[- ]?(linear\w*)", r"non\1", text)
    text = re.sub(r"(\d)\.(\d)", r"\1\2", text)
    text = re.sub(r"\b(e\.g|i\.e|etc|vs|approx)\.", r"\1", text)
    text = re.sub(r"(?<=\w)[-/](?=\w)", " ", text)
    text = re.sub(r"\n\s*\n", "\n. ", text)  # a blank line ends a sentence
    return text.replace("/", " / ")


def tokenise(text: str) -> Words:
    """Words with their sentence and clause numbers (punctuation, new lines and linking words end clauses)."""
    words: list[str] = []
    sentence: list[int] = []
    clause: list[int] = []
    period: list[int] = []
    s = c = p = 0
    for match in TOKEN.finditer(normalise(text)):
        token = match.group()
        if token in SENTENCE_END:
            s, c = s + 1, c + 1
            p += token in ".!?"
        elif token in CLAUSE_END:
            c += 1
        else:
            if token in CLAUSE_WORDS:
                c += 1
            words.append(token)
            sentence.append(s)
            clause.append(c)
            period.append(p)
    return Words(words, sentence, clause, period)


def words(text: str) -> list[str]:
    """Just the words (the old interface: tests and callers that need no boundaries)."""
    return tokenise(text).words


FUNCTION_WORDS = set("""
a an the this that these those it its it's they them their there here we you i he she our your my his her
is are was were be been being am do does did has have had can could will would should may might must shall
of to in on at by for with from into onto over under about as than then so because since if when where while
and or but not no nor n't never also only just very more most less each every all any some both either neither
which who whom whose what how why one ones such same other another own out up down off again too
""".split())


def function_share(tokens: list[str]) -> float:
    """Share of the words that are grammar words (articles, prepositions, verbs like *is*): low in a bare list."""
    plain = [t for t in tokens if not t.isdigit()]
    if not plain:
        return 0.0
    return sum(t in FUNCTION_WORDS or t.endswith("n't") for t in plain) / len(plain)
