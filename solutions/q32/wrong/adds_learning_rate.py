# expect: partial | The learning rate is given when you train, to fit(epochs, lr)
choice_q32 = ["a", "b", "c", "e", "f", "g"]
