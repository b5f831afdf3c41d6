# expect: partial | before loss.backward()
def train_model(model, epochs, dl, opt, loss_func):
    for epoch in range(epochs):
        for xb, yb in dl:
            opt.step()
            opt.zero_grad()
            loss = loss_func(model(xb), yb)
            loss.backward()
