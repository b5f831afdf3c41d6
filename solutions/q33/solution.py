def train_model(model, epochs, dl, opt, loss_func):
    """Train `model` in place: `epochs` passes over every (xb, yb) batch of `dl`, with one optimiser step per batch."""
    for _ in range(epochs):
        for xb, yb in dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
