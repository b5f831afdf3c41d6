# expect: failed | one output for the whole batch
def linear1(xb, w, b):
    # the chapter's prediction for one image, applied to a whole batch
    return (xb * w.T).sum() + b
