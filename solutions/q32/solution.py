choice_q32 = ["b", "c", "e", "f", "g"]
