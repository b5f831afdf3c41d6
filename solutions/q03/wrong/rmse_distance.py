# expect: partial | root mean squared error
import torch


def mean_image(images):
    return images.mean(0)


def mnist_distance(a, b):
    return ((a - b) ** 2).mean((-1, -2)).sqrt()


def is_3(x, mean3, mean7):
    return mnist_distance(x, mean3) < mnist_distance(x, mean7)
