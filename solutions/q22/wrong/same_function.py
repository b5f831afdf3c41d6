# expect: partial | training minimises a smooth stand-in
choice_q22 = ["b", "c", "d", "e"]
