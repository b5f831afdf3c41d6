choice_q19 = "a"
