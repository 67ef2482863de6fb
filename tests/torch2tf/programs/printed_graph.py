"""The introductory tutorials print the backward nodes (`grad_fn`, `next_functions`) between the computations:
the prints have no TF counterpart, the numbers around them must not change."""
import torch

x = torch.ones(5)
w = torch.linspace(-1.0, 1.0, steps=15, requires_grad=True)
b = torch.zeros(3, requires_grad=True)
z = torch.matmul(x, w.reshape(5, 3)) + b
print(f"Gradient function for z = {z.grad_fn}")
print(z.grad_fn.next_functions)
print("leaf:", w.grad_fn)
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor([0.0, 1.0, 0.0]))
print(f'Gradient function for loss = {loss.grad_fn}')
loss.backward()
gw, gb = w.grad, b.grad
