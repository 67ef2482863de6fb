"""A function decorated with @torch.no_grad(): its result is a constant to later gradients (also when called
between the leaves and the loss), and it updates the leaves in place (the optimizer step of the tutorials)."""
import torch

w = torch.tensor([1.0, -2.0], requires_grad=True)


@torch.no_grad()
def scale(t, k):
    return t * k, 3


@torch.no_grad()
def step(lr):
    w.sub_(lr * w.grad)


for i in range(3):
    frozen, n = scale(w, 2.0)
    loss = (w * frozen).sum() + (w ** 2).sum() * n
    w.grad = None
    loss.backward()
    step(0.1)
gw = w.grad
final = w.detach().clone()
