choice_q32 = None  # a list of letters, e.g. ["a", "c"]
