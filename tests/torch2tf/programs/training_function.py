"""A train step in a function over module-level leaves: zero_grad/backward/step with SGD momentum, a gradient
kept after the loop, an update through .data, and a function returning a fresh gradient with autograd.grad."""
import torch

w = torch.tensor([[0.5], [-0.25]], requires_grad=True)
b = torch.zeros(1, requires_grad=True)
xs = torch.tensor([[1.0, 2.0], [2.0, 0.5], [-1.0, 1.0]])
ys = torch.tensor([[1.0], [2.0], [0.0]])
optimizer = torch.optim.SGD([w, b], lr=0.05, momentum=0.9, nesterov=True)


def train_step():
    optimizer.zero_grad()
    loss = ((xs.mm(w) + b - ys) ** 2).mean()
    loss.backward()
    optimizer.step()
    return loss.item()


losses = [train_step() for _ in range(20)]
last_w_grad = w.grad.clone()
w.data -= 0.01 * w.grad.data


def grad_of_norm(v):
    total = (v * v).sum()
    return torch.autograd.grad(total, [v])[0]


norm_grad = grad_of_norm(w)
final_w = w.detach().clone()
final_b = b.detach().clone()
