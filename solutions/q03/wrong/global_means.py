# expect: partial | use the mean3 and mean7 arguments
import torch


def mean_image(images):
    return images.mean(0)


def mnist_distance(a, b):
    return (a - b).abs().mean((-1, -2))


def is_3(x, three, seven):
    # compares with the notebook's global mean3 and mean7 instead of the arguments
    return mnist_distance(x, mean3) < mnist_distance(x, mean7)
