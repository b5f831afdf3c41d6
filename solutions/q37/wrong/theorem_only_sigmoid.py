# expect: failed | The reason for depth is efficiency, not which nonlinearity is used
choice_q37 = "a"
