# expect: failed | the harder its parameters are to optimise
choice_q37 = "d"
