# expect: failed | a model that merely memorised them would look excellent
choice_q11 = "b"
