# expect: partial | take .abs() before the mean
def distances_to_mean(batch, mean):
    return (batch - mean).mean((-1, -2))
