# expect: partial | generator function with yield
def batches(xs, bs):
    return [xs[i:i + bs] for i in range(0, len(xs), bs)]
