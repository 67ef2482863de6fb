# `torch.ones(...).requires_grad_(True) * 2` (wowotou1998's autograd test): x is no leaf but requires grad, and
# torch.autograd.grad differentiates with respect to it, twice with create_graph=True.
import torch

x = torch.ones(3, 4).requires_grad_(True) * 2
y = x ** 3 + x
dydx = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)[0]
d2ydx2 = torch.autograd.grad(dydx, x, grad_outputs=torch.ones_like(dydx))[0]
