# expect: failed | One nonlinearity between two linear layers already makes the net nonlinear
choice_q37 = "b"
