# expect: failed | Autograd differentiates every PyTorch operation
choice_q19 = "c"
