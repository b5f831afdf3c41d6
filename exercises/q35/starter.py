choice_q35 = None  # one of "a", "b", "c", "d"
