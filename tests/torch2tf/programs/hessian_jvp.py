"""torch.autograd.functional.hessian (nested tapes, zeros where f is linear) and jvp (forward mode) over one tensor,
a tuple of inputs with a tuple of tangents, and a one-element input without v."""
import torch
from torch.autograd.functional import hessian, jvp


def f(x):
    return (x ** 3).sum() + x[0] * x[1]


def g(a, b):
    return a * b.sin() + a ** 2


x = torch.tensor([1.0, 2.0, -0.5])
H = hessian(f, x)
out, product = jvp(lambda t: t ** 2 * 3, x, torch.tensor([1.0, 0.0, 2.0]))
pair_out, pair_jvp = jvp(g, (x, x * 2), (torch.ones(3), torch.tensor([0.5, 1.0, -1.0])))
single_out, single_jvp = jvp(lambda t: t.exp(), torch.tensor([0.3]))
unconnected = hessian(lambda t: t.sum(), x)
