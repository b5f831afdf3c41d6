# expect: partial | so it is the last step
choice_q14 = ["d", "b", "g", "e", "a", "c", "f"]
