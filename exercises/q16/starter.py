choice_q16 = None  # one of "a", "b", "c", "d"
