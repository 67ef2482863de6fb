"""The torch.func tutorial's Jacobian by rows: `torch.autograd.grad(f(xp), xp, v)` inside a function whose parameter
xp every call gives a leaf of the module (a one-tensor input: torch answers a tuple of one)."""
import torch

D = 4
weight = torch.randn(D, D)
bias = torch.randn(D)
x = torch.randn(D)


def predict(weight, bias, x):
    return torch.nn.functional.linear(x, weight, bias).tanh()


def compute_jac(xp):
    jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                     for vec in unit_vectors]
    return torch.stack(jacobian_rows)


def gradient_of(xp):
    g, = torch.autograd.grad((xp ** 3).sum(), xp)
    return g


xp = x.clone().requires_grad_()
unit_vectors = torch.eye(D)
jacobian = compute_jac(xp)
cubes = gradient_of(xp)
