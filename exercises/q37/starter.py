choice_q37 = None  # one of "a", "b", "c", "d", "e"
