# expect: partial | returned a copy
def flatten_images(x):
    return x.clone().view(-1, 28 * 28)
