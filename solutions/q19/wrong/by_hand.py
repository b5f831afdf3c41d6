# expect: failed | Autograd exists so that you don't
choice_q19 = "b"
