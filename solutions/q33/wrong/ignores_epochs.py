# expect: partial | exactly `epochs` passes
def train_model(model, epochs, dl, opt, loss_func):
    for xb, yb in dl:  # one pass: the epochs argument is never used
        loss = loss_func(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
