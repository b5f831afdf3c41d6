choice_q12 = "d"
