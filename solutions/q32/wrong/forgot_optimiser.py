# expect: partial | 1 of the options that belong in the answer is not chosen
choice_q32 = ["b", "c", "e", "f"]
