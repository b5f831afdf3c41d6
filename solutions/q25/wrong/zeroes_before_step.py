# expect: partial | cleared between backward() and step()
def train_epoch(model, dl, loss_func, opt):
    for xb, yb in dl:
        loss = loss_func(model(xb), yb)
        loss.backward()
        opt.zero_grad()
        opt.step()
