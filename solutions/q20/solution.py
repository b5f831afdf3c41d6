import torch


def accuracy_and_grad(preds, targets):
    """Return (accuracy, gradient of the accuracy with respect to preds), the gradient found by autograd."""
    if not preds.requires_grad:
        preds = preds.detach().clone().requires_grad_()
    predicted_three = preds.sigmoid().round()          # 1 where a 3 is predicted, 0 where a 7 is
    correct = torch.where(targets == 1, predicted_three, 1 - predicted_three)
    accuracy = correct.mean()
    (gradient,) = torch.autograd.grad(accuracy, preds)
    return accuracy.item(), gradient
