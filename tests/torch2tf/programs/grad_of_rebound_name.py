"""A leaf's name rebound to a new tensor after backward(): torch's final `x.grad` is the new tensor's (None), while
the gradient read before stays in g1. The compare lined up the translation's kept gradient of the old leaf with
torch's final `x.grad`, a false mismatch."""
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
s = (x * x).sum()
s.backward()
g1 = x.grad
x = torch.linspace(0.0, 1.0, 3)
g2 = x.grad
w = torch.tensor([0.5, -1.0], requires_grad=True)
(w ** 3).sum().backward()
