choice_q11 = None  # one of "a", "b", "c", "d", "e"
