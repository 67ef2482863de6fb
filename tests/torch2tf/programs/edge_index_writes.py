"""Index writes into tensors (TF tensors take no item assignment): numbers, rows, columns, slices, += and a loop
filling a tensor; gradients flow to the written values (0 for what was overwritten, summed where a value was broadcast)."""
import torch

t = torch.zeros(3)
t[0] = 1.0
t[-1] = 5.0
counts = torch.zeros(4, dtype=torch.int64)
counts[1:3] = 7

w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
m = torch.zeros(2, 3)
m[:, 1] = w[:2] * 2
m[0] = w
m[1, 2:] = b
h = w * 1.0
h[1] = b * 3
filled = torch.ones(3)
for i in range(3):
    filled[i] = w[i] ** 2 + i
acc = torch.zeros(2, 3)
acc[1] += w
acc[0, :2] -= b * 2
acc[:, 2] *= 3.0
loss = (m ** 2).sum() + (h * filled).sum() + (acc * acc).sum()
loss.backward()
gw, gb = w.grad, b.grad
signs = torch.linspace(-1.0, 1.0, 4)
signs[signs > 0] = torch.tensor([10.0, 20.0])
