"""Integer tensors mixed with float ones (pytorch/tutorials' polynomial_nn.py: `x.unsqueeze(-1).pow(p)` with
p = torch.tensor([1, 2, 3]), int64): torch promotes to the float dtype; TF refused float32 ** int64 (a crash)."""
import math

import torch

x = torch.linspace(-math.pi, math.pi, 50)
y = torch.sin(x)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
squares = x.unsqueeze(-1) ** p
cubes = torch.pow(x.unsqueeze(-1), p)
shifted = x.unsqueeze(-1) + p
ratio = torch.pow(x.unsqueeze(-1), p) / p
halves = p * 0.5
steps = torch.arange(4)
dtype = torch.float64
wide = torch.linspace(0, 1, 4, dtype=dtype)
wide_scaled = wide * steps
w = torch.zeros(3, requires_grad=True)
for t in range(20):
    y_pred = (x.unsqueeze(-1).pow(p) * w).sum(-1)
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        w -= 1e-4 * w.grad
        w.grad = None
