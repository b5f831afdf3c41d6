# expect: partial | empty batch
def batches(xs, bs):
    for i in range(len(xs) // bs + 1):
        yield xs[i * bs:(i + 1) * bs]
