# expect: failed | not random weights
choice_q12 = "c"
