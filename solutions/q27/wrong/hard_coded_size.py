# expect: error | fits only one batch
def flatten_images(x):
    # 12396 images in the chapter's training stack
    return x.view(12396, 784)
