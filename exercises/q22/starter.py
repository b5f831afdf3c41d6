choice_q22 = None  # a list of letters, e.g. ["a", "c"]
