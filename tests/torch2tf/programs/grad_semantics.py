"""torch.autograd.grad, higher orders, repeated backward() over one graph, accumulation, unused inputs."""
import torch

x = torch.tensor(3.0, requires_grad=True)
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
unused = torch.tensor(1.0, requires_grad=True)

y = x ** 3
dy_dx, = torch.autograd.grad(y, x, create_graph=True)
d2y_dx2, = torch.autograd.grad(dy_dx, x)

h = (w * x).tanh()
s = h.sum()
g_w, g_unused = torch.autograd.grad(s, [w, unused], retain_graph=True, allow_unused=True)
g_w2, g_zero = torch.autograd.grad(s, [w, unused], allow_unused=True, materialize_grads=True)

# Three backward calls without a reset: .grad sums them.
for i in range(3):
    loss = (w * w).sum() * (i + 1)
    loss.backward()
accumulated = w.grad.clone()

# A second backward over the same graph adds again.
w.grad = None
q = (w * x).sum() ** 2
q.backward(retain_graph=True)
q.backward()
twice = w.grad
x_twice = x.grad
unused_grad = unused.grad

# A gradient penalty: differentiate through a first-order gradient.
x.grad = None
p = x ** 2
gp, = torch.autograd.grad(p, x, create_graph=True)
penalty = p + gp ** 2
penalty.backward()
penalty_grad = x.grad
