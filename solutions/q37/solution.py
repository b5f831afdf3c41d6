choice_q37 = "e"
