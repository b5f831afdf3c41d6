# expect: failed | Computing gradients is autograd's job
choice_q12 = "b"
