# expect: failed | That describes the loss
choice_q12 = "a"
