"""The d2l-style training loop: leaves passed as a list to a hand-written sgd() that reads and zeroes
`param.grad` and updates `param.data`; minibatches taken with an index tensor; gradients read from .grad
afterwards, and accumulated over two backward() calls."""
import torch


def sgd(params, lr, batch_size):
    for param in params:
        param.data.sub_(lr * param.grad / batch_size)
        param.grad.data.zero_()


def linreg(X, w, b):
    return torch.matmul(X, w) + b


features = torch.linspace(-1.0, 1.0, 24).reshape(12, 2)
labels = torch.matmul(features, torch.tensor([2.0, -3.4])) + 4.2
w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
order = [5, 0, 11, 3, 7, 1, 9, 2, 10, 4, 8, 6]
for epoch in range(3):
    for i in range(0, 12, 4):
        batch = torch.tensor(order[i:i + 4])
        X, y = features[batch], labels[batch]
        l = ((linreg(X, w, b) - y) ** 2 / 2)
        l.sum().backward()
        sgd([w, b], 0.1, 4)
w_after, b_after = w.detach().clone(), b.detach().clone()
grads_after_sgd = [p.grad.clone() for p in [w, b]]  # kept past the next backward: a copy (A5)
(w * w).sum().backward()
(w * 3).sum().backward()
accumulated = w.grad
