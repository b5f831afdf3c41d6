# expect: failed | a linear layer is not one
choice_q35 = "a"
