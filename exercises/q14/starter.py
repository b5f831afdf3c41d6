choice_q14 = None  # a list of all seven letters, first step first, e.g. ["a", "b", "c", "d", "e", "f", "g"]
