import torch


def describe_image(img):
    """Describe a (height, width) greyscale or (height, width, 3) colour image tensor."""
    channels = 1 if img.ndim == 2 else img.shape[2]  # greyscale has no channel axis; colour keeps it last
    return {"channels": int(channels), "height": int(img.shape[0]), "width": int(img.shape[1]),
            "dtype": str(img.dtype).replace("torch.", ""), "min": img.min().item(), "max": img.max().item()}
