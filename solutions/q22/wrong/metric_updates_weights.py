# expect: failed | The metric never updates the weights
choice_q22 = ["a", "c", "f"]
