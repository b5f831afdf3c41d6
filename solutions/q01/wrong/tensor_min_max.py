# expect: partial | turn it into a plain number with .item()
def describe_image(img):
    channels = 1 if img.ndim == 2 else 3
    return {"channels": channels, "height": img.shape[0], "width": img.shape[1],
            "dtype": str(img.dtype).replace("torch.", ""), "min": img.min(), "max": img.max()}
