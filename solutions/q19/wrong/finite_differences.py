# expect: failed | 'Rise over run' is how the chapter explains what a gradient means
choice_q19 = "d"
