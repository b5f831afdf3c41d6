choice_q14 = ["d", "b", "g", "e", "a", "f", "c"]
