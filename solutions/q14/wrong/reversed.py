# expect: failed | is the last step
choice_q14 = ["c", "f", "a", "e", "g", "b", "d"]
