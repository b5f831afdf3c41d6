choice_q11 = "c"
