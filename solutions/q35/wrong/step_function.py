# expect: failed | A hard 0/1 step has a zero gradient almost everywhere
choice_q35 = "d"
