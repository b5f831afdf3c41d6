# expect: partial | it can only be computed once the loss is known
choice_q14 = ["d", "b", "e", "g", "a", "f", "c"]
