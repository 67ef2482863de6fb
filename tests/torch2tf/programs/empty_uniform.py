"""torch.empty(...).uniform_(a, b): how tutorials (and TF -> PyTorch, for tf.random.uniform with bounds) draw
uniform tensors. The twin runner shares the draws, so the TF translation, tf.random.uniform, must give the same
numbers, dtype included."""
import torch

w = torch.empty((3, 2)).uniform_(-0.5, 0.5).requires_grad_()
b = torch.empty(2, dtype=torch.float64).uniform_(1.0, 2.0)
x = torch.empty(4, 3).uniform_()
loss = (x @ w).pow(2).sum()
loss.backward()
gw = w.grad
