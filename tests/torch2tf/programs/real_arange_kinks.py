# Tutorials build float grids with torch.arange and differentiate a kinked function over them: the grid point next
# to the kink decides a gradient of 0 or 1. torch computes a float grid otherwise on other CPUs (torch_grid.py), so
# only grids every CPU computes alike are translated (here steps that are powers of two, and float64 ones of
# integers); TF must then give those very values, the kinks at exactly 0 included.
import torch

x = torch.arange(-0.5, 0.5, 0.125, requires_grad=True)
y = torch.relu(x)
y.backward(torch.ones_like(x))
g = x.grad.clone()

grid = torch.arange(-5.0, 5.0, 0.25)
halves = torch.arange(0.5, 6.0)
u = torch.arange(1, 2.5, 0.25, requires_grad=True)
v = torch.abs(u - 1.75).sum()
v.backward()
wide = torch.arange(-3, 3, 0.5, dtype=torch.float64)
