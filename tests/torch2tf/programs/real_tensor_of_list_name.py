"""Robert Guthrie's NLP tutorial: `torch.Tensor(data)` of a name holding a list display is a float32 tensor, as
`tf.constant(data, dtype=tf.float32)` (`torch.Tensor(3)` would be an uninitialised tensor of 3 elements: only names
certainly holding a list or tuple display qualify)."""
import torch

V_data = [1., 2., 3.]
V = torch.Tensor(V_data)
M_data = [[1, 2, 3], [4, 5, 6]]
M = torch.Tensor(M_data)
rows = ([1., 2.], [3., 4.])
T = torch.Tensor(rows)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
loss = ((M @ w).sum() * T.sum() + V * w).sum()
loss.backward()
gw = w.grad
