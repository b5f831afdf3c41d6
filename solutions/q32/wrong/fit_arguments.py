# expect: failed | How long to train is an argument of fit()
choice_q32 = ["a", "b", "d", "h"]
