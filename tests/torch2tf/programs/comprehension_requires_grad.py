"""Gradients taken per element in comprehensions, guarded by `z.requires_grad` (as TF -> PyTorch writes Hands-On ML's
tape.gradient over several targets, TF answering None where torch raises): torch's answer is the same for every
element of the tuple the comprehension runs over, so the guard is known; the leaves are made in one tuple
assignment."""
import torch

w1, w2 = torch.tensor(5.0, requires_grad=True), torch.tensor(3.0, requires_grad=True)
z1 = 3 * w1 ** 2 + 2 * w1 * w2
z2 = w1 * w2 + 2.0
rows = torch.stack([torch.stack(v) if isinstance(v, (list, tuple)) else v for v in [list(torch.autograd.grad(
    z, [w1, w2], grad_outputs=torch.ones_like(z), retain_graph=True, allow_unused=True)) if z.requires_grad else
    [None, None] for z in (z1, z2)]], dim=0)
columns = torch.stack([torch.stack(v) if isinstance(v, (list, tuple)) else v for v in [torch.autograd.grad(
    z, [w1, w2], grad_outputs=torch.ones_like(z), retain_graph=True, allow_unused=True) if z.requires_grad else
    (None, None) for z in (z1, z2)]], dim=1)
c1, c2 = torch.tensor(1.0), torch.tensor(2.0)
constants = [c.requires_grad for c in (c1 * 2, c2)]
