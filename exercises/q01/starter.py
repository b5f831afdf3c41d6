import torch


def describe_image(img):
    """Describe a (height, width) greyscale or (height, width, 3) colour image tensor.

    Return {"channels": 1 or 3, "height": int, "width": int, "dtype": "uint8" or "float32",
    "min": smallest value, "max": largest value}, with min and max as plain Python numbers.
    """
    raise NotImplementedError("read the layout from img.shape and img.dtype, and the range from the values")
