"""Written answers, scored against a rubric as an instructor would, and hard to game.

``text`` turns a markdown cell into the words that count (prose only, with sentence and clause boundaries);
``model`` reads a rubric (concepts, misconceptions, the score scale of the key); ``match`` finds phrasings,
typo-tolerant and negation-aware; ``signals`` and ``chapter`` see the ways a keyword rubric is gamed; ``scorer``
puts them together with the evidence an instructor reads; ``probes`` builds the gaming probes the bench and the
tests use.  ``grader.judge.rubric`` is the interface callers import.
"""
