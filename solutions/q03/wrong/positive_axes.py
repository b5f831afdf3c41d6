# expect: partial | count axes from the end
import torch


def mean_image(images):
    return images.mean(0)


def mnist_distance(a, b):
    return (a - b).abs().mean((1, 2))


def is_3(x, mean3, mean7):
    return mnist_distance(x, mean3) < mnist_distance(x, mean7)
