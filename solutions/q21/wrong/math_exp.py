# expect: error | math.exp
import math


def sigmoid(x):
    return 1 / (1 + math.exp(-x))
