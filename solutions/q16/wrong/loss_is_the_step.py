# expect: failed | That is the size of the weight update
choice_q16 = "c"
