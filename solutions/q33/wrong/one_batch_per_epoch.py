# expect: failed | one batch per epoch
def train_model(model, epochs, dl, opt, loss_func):
    for epoch in range(epochs):
        xb, yb = next(iter(dl))
        loss = loss_func(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
