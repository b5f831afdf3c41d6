# expect: failed | dropped the last, smaller batch
def batches(xs, bs):
    for i in range(len(xs) // bs):
        yield xs[i * bs:(i + 1) * bs]
