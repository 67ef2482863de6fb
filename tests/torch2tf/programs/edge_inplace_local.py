# In-place methods on local tensors that are no leaves, and `.data = ...` on leaves (a TF tensor cannot change in
# place: the translation rebinds the name, or assigns the variable).
import torch


def clipped_square(t):
    s = t * t
    s.clamp_(max=4.0)
    s.mul_(0.5)
    return s


def sgd(p, lr):
    p.data = p.data - lr * p.grad.data


w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
h = w * 2
h.add_(1.0)
h.mul_(3)
h.clamp_(min=-4.0, max=10.0)
q = torch.exp(w).sum()
for i in range(2):
    q.mul_(0.5)
k = torch.zeros(3)
k.add_(w)
k.zero_()
k.add_(w * w)
total = (h.sum() + q + k.sum() + clipped_square(w).sum()) * 1.0
total.backward()
g = w.grad.clone()
sgd(w, 0.1)
v = torch.tensor([0.5, 1.5], requires_grad=True)
for step in range(2):
    loss = (v ** 3).sum()
    loss.backward()
    v.data = v.data - 0.05 * v.grad.data
    v.grad.zero_()
with torch.no_grad():
    w.clamp_(-1.5, 2.0)
