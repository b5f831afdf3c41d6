# expect: partial | channels-first
def describe_image(img):
    if img.ndim == 2:
        channels, (height, width) = 1, img.shape
    else:
        channels, height, width = img.shape
    return {"channels": channels, "height": height, "width": width,
            "dtype": str(img.dtype).replace("torch.", ""), "min": img.min().item(), "max": img.max().item()}
