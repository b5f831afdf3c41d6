# expect: failed | That describes a metric
choice_q16 = "d"
