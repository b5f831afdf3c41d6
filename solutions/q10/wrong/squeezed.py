# expect: partial | .squeeze()
def distances_to_mean(batch, mean):
    return (batch - mean).abs().mean((-1, -2)).squeeze()
