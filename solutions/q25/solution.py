def train_epoch(model, dl, loss_func, opt):
    """One epoch of SGD: for every mini-batch (xb, yb) of dl, predict, compute the loss and its gradients, step, and
    clear the gradients."""
    for xb, yb in dl:
        loss = loss_func(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
