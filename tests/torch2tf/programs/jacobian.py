"""torch.autograd.functional.jacobian of a vector function, with an output that ignores one input element."""
import torch
from torch.autograd.functional import jacobian


def f(v):
    return torch.stack([v[0] * v[1], torch.sin(v[0]), v[0] ** 2])


x = torch.tensor([0.5, 2.0, -1.0])
J = jacobian(f, x)
J_scaled = torch.autograd.functional.jacobian(lambda v: 3.0 * f(v), x * 2)
