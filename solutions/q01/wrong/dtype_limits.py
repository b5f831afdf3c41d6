# expect: partial | limits of the uint8 dtype
def describe_image(img):
    channels = 1 if img.ndim == 2 else 3
    if img.dtype.is_floating_point:
        low, high = 0.0, 1.0
    else:
        low, high = 0, 255
    return {"channels": channels, "height": img.shape[0], "width": img.shape[1],
            "dtype": str(img.dtype).replace("torch.", ""), "min": low, "max": high}
