def train_epoch(model, dl, loss_func, opt):
    """One epoch of SGD: for every mini-batch (xb, yb) of dl, predict, compute the loss and its gradients, step, and
    clear the gradients."""
    raise NotImplementedError("loop over dl: predict, loss, backward, step, zero_grad")
