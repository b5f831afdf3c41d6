# expect: failed | That is the error rate, a metric
choice_q16 = "a"
