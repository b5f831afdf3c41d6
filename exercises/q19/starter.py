choice_q19 = None  # one of "a", "b", "c", "d", "e"
