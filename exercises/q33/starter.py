def train_model(model, epochs, dl, opt, loss_func):
    """Train `model` in place: `epochs` passes over every (xb, yb) batch of `dl`, with one optimiser step per batch."""
    raise NotImplementedError("for each epoch, for each batch: predict, loss, backward, step, zero_grad")
