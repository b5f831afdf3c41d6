# expect: partial | hard-coded
def distances_to_mean(batch, mean):
    return (batch.view(-1, 784) - mean.view(784)).abs().mean(1)
