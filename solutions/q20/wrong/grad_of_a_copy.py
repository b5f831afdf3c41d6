# expect: partial | the gradient returned is None
import torch


def accuracy_and_grad(preds, targets):
    p = preds.clone().detach().requires_grad_()
    predicted_three = p.sigmoid().round()
    accuracy = torch.where(targets == 1, predicted_three, 1 - predicted_three).mean()
    accuracy.backward()
    return accuracy.item(), preds.grad
