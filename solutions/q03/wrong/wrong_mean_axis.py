# expect: partial | averaged over the wrong axis
import torch


def mean_image(images):
    return images.mean(1)


def mnist_distance(a, b):
    return (a - b).abs().mean((-1, -2))


def is_3(x, mean3, mean7):
    return mnist_distance(x, mean3) < mnist_distance(x, mean7)
