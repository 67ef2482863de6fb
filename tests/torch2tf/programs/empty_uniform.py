"""torch.empty(...).uniform_(a, b) and .normal_(mean, std): how tutorials (and TF -> PyTorch, for tf.random.uniform
with bounds) draw random tensors. The twin runner shares the draws, so the TF translations, tf.random.uniform and
tf.random.normal, must give the same numbers, dtype included."""
import torch

w = torch.empty((3, 2)).uniform_(-0.5, 0.5).requires_grad_()
b = torch.empty(2, dtype=torch.float64).uniform_(1.0, 2.0)
x = torch.empty(4, 3).uniform_()
loss = (x @ w).pow(2).sum()
loss.backward()
gw = w.grad
n = torch.empty(2, 3).normal_(1.0, 0.5)
m = torch.empty((2,), dtype=torch.float64).normal_(std=2.0)
