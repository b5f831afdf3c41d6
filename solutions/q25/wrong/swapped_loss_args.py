# expect: error | the predictions first
def train_epoch(model, dl, loss_func, opt):
    for xb, yb in dl:
        loss = loss_func(yb, model(xb))
        loss.backward()
        opt.step()
        opt.zero_grad()
