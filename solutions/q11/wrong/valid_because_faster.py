# expect: failed | Right set, wrong reason
choice_q11 = "e"
