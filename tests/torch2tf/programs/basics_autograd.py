"""The basics tutorial "Automatic differentiation with torch.autograd": requires_grad after no_grad and detach,
gradients of a non-scalar output with retain_graph, accumulation and zero_(). (The tutorial's torch.matmul of a
vector and a matrix is written with unsqueeze here: TF's matmul needs 2-D operands, B12.)"""
import torch

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = (x.unsqueeze(0) @ w).squeeze(0) + b
loss = ((z - y) ** 2).mean()
loss.backward()
gw = w.grad
gb = b.grad
z = (x.unsqueeze(0) @ w).squeeze(0) + b
rg1 = z.requires_grad
with torch.no_grad():
    z = (x.unsqueeze(0) @ w).squeeze(0) + b
rg2 = z.requires_grad
z = (x.unsqueeze(0) @ w).squeeze(0) + b
z_det = z.detach()
rg3 = z_det.requires_grad

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
first = inp.grad.clone()
out.backward(torch.ones_like(out), retain_graph=True)
second = inp.grad.clone()
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
after_zero = inp.grad
