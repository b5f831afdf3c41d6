choice_q16 = "b"
