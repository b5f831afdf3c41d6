# expect: failed | once per epoch
def train_epoch(model, dl, loss_func, opt):
    for xb, yb in dl:
        loss = loss_func(model(xb), yb)
        loss.backward()
    opt.step()
    opt.zero_grad()
