choice_q22 = ["b", "c", "e"]
