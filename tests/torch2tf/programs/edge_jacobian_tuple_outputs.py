"""torch.autograd.functional.jacobian of functions returning a tuple: one jacobian per output (a tuple of blocks per
output for a tuple of inputs), an output that ignores an input gives zeros."""
import torch
from torch.autograd.functional import jacobian


def square_and_sine(x):
    return x * x, x.sin()


def product_and_sum(a, b):
    return a * b, (a + b).sum(), a.exp()


x = torch.tensor([1.0, 2.0, 3.0])
per_output = jacobian(square_and_sine, x)
d_square, d_sine = per_output
blocks = jacobian(product_and_sum, (x, x * 2))
pair = jacobian(lambda t: (t ** 3, t.cos().sum()), x)
