# expect: failed | the model has already seen (and may have memorised) the training images
choice_q11 = "a"
