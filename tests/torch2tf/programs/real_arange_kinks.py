# Tutorials build float grids with torch.arange and differentiate a kinked function over them: the grid point next
# to the kink decides a gradient of 0 or 1, so TF must compute torch's grid (start + i * step in double, rounded
# once to float32; tf.range computes it in float32 and puts -0.3 + 3 * 0.1 just below 0, not above it).
import torch

x = torch.arange(-0.3, 0.3, 0.1, requires_grad=True)
y = torch.relu(x)
y.backward(torch.ones_like(x))
g = x.grad.clone()

grid = torch.arange(-5.0, 5.0, 0.7)
u = torch.arange(1, 2.5, 0.25, requires_grad=True)
v = torch.abs(u - 1.75).sum()
v.backward()
