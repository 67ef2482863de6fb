"""Values tutorials print: Python lists and numbers out of tensors (tolist, item), after a gradient step."""
import torch

x = torch.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
loss = x.clamp(min=0.0).pow(2).sum()
loss.backward()
with torch.no_grad():
    x -= 0.1 * x.grad
rows = x.detach().tolist()
first_row = x[0].tolist()
grad_list = x.grad.tolist()
total = x.sum().item()
