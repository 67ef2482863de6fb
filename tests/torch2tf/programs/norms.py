"""Tensor.norm, torch.norm, torch.linalg.norm / vector_norm and `.data`: the doubling loop of the autograd
tutorials, norms along a dim, and the gradient of a norm (p = 2, 3) at a zero vector, which is 0 in torch (NaN with TF's own
norm, semantics A25)."""
import torch

x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
steps = y.data.norm()
y.norm().backward()
gx = x.grad.clone()

m = torch.tensor([[1.0, -2.0, 2.0], [0.0, 0.0, 0.0]], requires_grad=True)
rows = m.norm(dim=1)  # the second row is a zero vector
loss = rows.sum() + torch.norm(m, 2, 0, keepdim=True).sum() + m.norm(p=1) + torch.linalg.norm(m) \
    + torch.linalg.vector_norm(m, ord=1, dim=1).sum() + torch.linalg.vector_norm(m * 3.0) + torch.norm(m, 3, 1).sum() \
    + m.norm(p=4)
loss.backward()
gm = m.grad
