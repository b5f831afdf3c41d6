# expect: partial | never called opt.zero_grad()
def train_model(model, epochs, dl, opt, loss_func):
    for epoch in range(epochs):
        for xb, yb in dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
