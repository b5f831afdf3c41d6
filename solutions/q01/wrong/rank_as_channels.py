# expect: partial | that is its number of axes (its rank)
def describe_image(img):
    return {"channels": len(img.shape), "height": img.shape[0], "width": img.shape[1],
            "dtype": str(img.dtype).replace("torch.", ""), "min": img.min().item(), "max": img.max().item()}
