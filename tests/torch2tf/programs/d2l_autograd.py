"""d2l.ai's autograd chapter: accumulation and zero_(), non-scalar backward, detach, Python control flow."""
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
grad_before = x.grad
y = 2 * (x * x).sum()
y.backward()
grad_2xx = x.grad.clone()

x.grad.zero_()
y = x.sum()
y.backward()
grad_sum = x.grad.clone()

x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(4))
grad_square = x.grad.clone()

x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
grad_detached = x.grad.clone()

x.grad.zero_()
y.sum().backward()
grad_again = x.grad.clone()


def f(a):
    b = a * 2
    while (b * b).sum().sqrt() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
grad_control_flow = a.grad
ratio = d / a
