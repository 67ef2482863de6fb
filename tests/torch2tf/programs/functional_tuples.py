"""torch.autograd.functional with a tuple of inputs (f(*inputs), one jacobian block per input, zeros for an input
the output ignores) and vjp, from a name bound to a tuple and from a tuple display."""
import torch


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


def ignores_second(x, y):
    return x * x


inputs = (torch.tensor([0.5, -1.0, 2.0]), torch.tensor([1.0, 0.0, -2.0]))
jac = torch.autograd.functional.jacobian(exp_adder, inputs)
jac_x, jac_y = jac
blocks = torch.autograd.functional.jacobian(ignores_second, (inputs[1], inputs[0]))

inputs = torch.tensor([1.0, 2.0, 3.0])  # the same name, now one tensor
v = torch.tensor([0.1, 1.0, 0.0001])
out, product = torch.autograd.functional.vjp(lambda t: t * t * 4, inputs, v=v)
pair_out, pair_vjp = torch.autograd.functional.vjp(exp_adder, (inputs, inputs * 2), v)
scalar_out, scalar_vjp = torch.autograd.functional.vjp(lambda t: (t ** 3).sum(), inputs)
