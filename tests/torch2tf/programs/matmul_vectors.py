"""torch.matmul and `@` with 1-D operands (semantics B12): vector @ matrix, matrix @ vector, vector . vector,
batched matrices with a vector, through a function whose argument's rank is not known where the call is written;
values and gradients of every operand."""
import torch

x = torch.tensor([1.0, -2.0, 0.5, 3.0, 1.5])
w = torch.tensor([[0.1, 0.2, -0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9], [-1.0, 1.1, 1.2], [0.3, -0.2, 0.1]],
                 requires_grad=True)
b = torch.tensor([0.5, -0.5, 0.25], requires_grad=True)
z = torch.matmul(x, w) + b  # vector @ matrix -> (3,)
loss = (z * z).sum()
loss.backward()
gw, gb = w.grad, b.grad

v = torch.tensor([2.0, -1.0, 0.5], requires_grad=True)
mv = w @ v  # matrix @ vector -> (5,)
dot = v @ v  # vector . vector -> ()
batch = torch.arange(24.0).reshape(2, 3, 4) / 10
bv = torch.ones(4) @ batch.permute(0, 2, 1)  # vector @ batch -> (2, 3)
total = mv.sum() + dot + (batch @ torch.ones(4)).sum() + x.matmul(w).sum()
grads = torch.autograd.grad(total, [v, w])


def linreg(features, weights, bias):
    return torch.matmul(features, weights) + bias


true_w = torch.tensor([2.0, -3.4])
features = torch.tensor([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])
labels = linreg(features, true_w, 4.2)  # matrix @ vector in the function
