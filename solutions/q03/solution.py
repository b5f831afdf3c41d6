import torch


def mean_image(images):
    """The pixel-by-pixel average of a (N, height, width) stack of images: a (height, width) tensor."""
    return images.mean(0)


def mnist_distance(a, b):
    """Mean absolute difference of a and b over their last two axes (broadcasting over any leading axes)."""
    return (a - b).abs().mean((-1, -2))


def is_3(x, mean3, mean7):
    """True where x is closer to mean3 than to mean7 (a bool tensor: rank 0 for one image, (N,) for a batch)."""
    return mnist_distance(x, mean3) < mnist_distance(x, mean7)
