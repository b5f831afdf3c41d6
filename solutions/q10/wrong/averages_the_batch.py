# expect: failed | averaged over the batch axis
def distances_to_mean(batch, mean):
    return (batch - mean).abs().mean(0)
