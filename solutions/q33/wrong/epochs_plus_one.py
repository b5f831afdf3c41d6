# expect: partial | exactly `epochs` passes
def train_model(model, epochs, dl, opt, loss_func):
    for epoch in range(epochs + 1):  # "epoch 0" as a warm-up, then `epochs` more
        for xb, yb in dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
