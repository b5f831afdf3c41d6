choice_q35 = "c"
