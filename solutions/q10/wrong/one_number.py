# expect: failed | single number for the whole batch
def distances_to_mean(batch, mean):
    return (batch - mean).abs().mean()
