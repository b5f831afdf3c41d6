choice_q12 = None  # one of "a", "b", "c", "d", "e"
