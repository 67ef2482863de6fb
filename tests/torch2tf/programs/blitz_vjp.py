"""The 60-minute blitz autograd section: a vector-Jacobian product through a data-dependent while loop (reading
y.data), then requires_grad inside and outside no_grad, and detach."""
import torch

x = torch.randn(3, requires_grad=True)
y = x * 2
n = 0
while y.data.abs().sum() < 1000:
    y = y * 2
    n += 1
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
gx = x.grad
r1 = x.requires_grad
r2 = (x ** 2).requires_grad
with torch.no_grad():
    r3 = (x ** 2).requires_grad
y = x.detach()
r4 = y.requires_grad
same = x.eq(y).all()
