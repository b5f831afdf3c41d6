# expect: partial | read the channels of a greyscale image from its last axis
def describe_image(img):
    return {"channels": img.shape[-1], "height": img.shape[0], "width": img.shape[1],
            "dtype": str(img.dtype).replace("torch.", ""), "min": img.min().item(), "max": img.max().item()}
