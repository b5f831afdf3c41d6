# expect: failed | torch.dtype object
def describe_image(img):
    channels = 1 if img.ndim == 2 else 3
    return {"channels": channels, "height": img.shape[0], "width": img.shape[1],
            "dtype": img.dtype, "min": img.min().item(), "max": img.max().item()}
