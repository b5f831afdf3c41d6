# expect: partial | it needs the predictions first
choice_q14 = ["d", "g", "b", "e", "a", "f", "c"]
