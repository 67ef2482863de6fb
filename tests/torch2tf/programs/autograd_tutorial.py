"""The PyTorch autograd tutorial: gradients of a mean, and a vector-Jacobian product through gradient=."""
import torch

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
dout_dx = x.grad

a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
Q = 3 * a**3 - b**2
external_grad = torch.tensor([1.0, 1.0])
Q.backward(gradient=external_grad)
dq_da = a.grad
dq_db = b.grad
