# expect: failed | twice
def batches(xs, bs):
    for start in range(0, len(xs), bs):
        yield xs[start:start + bs + 1]
