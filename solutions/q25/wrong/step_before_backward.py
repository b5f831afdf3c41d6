# expect: partial | call loss.backward() before opt.step()
def train_epoch(model, dl, loss_func, opt):
    for xb, yb in dl:
        loss = loss_func(model(xb), yb)
        opt.step()
        loss.backward()
        opt.zero_grad()
