# Forms the TF -> PyTorch leg writes, which the way back must take: a module function of the arguments only
# feeding a training function, a name a later cell rebinds, torch.autograd.grad with respect to an intermediate or
# a layer's weight (one tensor) or a list of parameters, requires_grad of a Linear layer's output.
import torch

TRUE_W = 3.0


def f(x):
    return x * TRUE_W + 2.0


def loss_fn(target, predicted):
    return torch.mean(torch.square(target - predicted))


torch.manual_seed(0)
layer = torch.nn.Linear(3, 2)
xs = torch.linspace(-1.0, 1.0, 6).reshape(2, 3)
ys = f(xs)[:, :2]


def train(model, x, y, lr):
    loss = loss_fn(y, model(x))
    model.weight.grad = None
    model.bias.grad = None
    loss.backward()
    with torch.no_grad():
        model.weight.sub_(lr * model.weight.grad)
        model.bias.sub_(lr * model.bias.grad)


for epoch in range(3):
    train(layer, xs, ys, 0.1)

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
a_sq = a * a
with torch.no_grad():
    b_sq = b * b
total = a_sq + b_sq
total.backward()
ga, gb = a.grad, b.grad

b_sq = b ** 2  # a later cell rebinds b_sq
h = a * a
z = h * h
dz_dh = torch.autograd.grad(z, h, allow_unused=True)[0]

out = layer(xs)
on_graph = out.requires_grad
dout = torch.autograd.grad(out.sum(), layer.weight, retain_graph=True)[0]
dall = list(torch.autograd.grad(out.sum(), [p for p in layer.parameters()], allow_unused=True))

# `if t.requires_grad:` around a backward, where torch's answer is known: always taken, or never.
p = torch.tensor(2.0, requires_grad=True)
q = p ** 2 + torch.detach(p * 3)
if q.requires_grad:
    q.backward(torch.ones_like(q))
gp = p.grad
r = torch.mean(torch.as_tensor(q.detach().numpy()))
p.grad = None
if r.requires_grad:
    r.backward(torch.ones_like(r))
gr = p.grad
