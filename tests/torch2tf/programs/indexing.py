"""Rows picked by an index tensor and by a mask, with gradients through both (a row picked twice adds up)."""
import torch

w = torch.arange(6.0).reshape(3, 2).requires_grad_()
rows = torch.tensor([2, 0, 2])
mask = torch.tensor([True, False, True])
picked, masked = w[rows], w[mask]
loss = (picked ** 2).sum() + (masked * 3).sum()
loss.backward()
gw = w.grad
