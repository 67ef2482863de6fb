"""torch.normal with a tensor mean and/or std and no size (morvan's data: `torch.normal(2 * n_data, 1)`): one draw
per element of their broadcast shape, in the tensor's dtype; with numbers and size=; then a fit on the draws."""
import torch

n_data = torch.ones(4, 2)
x0 = torch.normal(2 * n_data, 1)
x1 = torch.normal(-2 * n_data, 1)
noise = torch.normal(torch.zeros(4, 1), torch.ones(4, 1))
spread = torch.normal(0.5, torch.full((3,), 2.0, dtype=torch.float64))
wide = torch.normal(torch.zeros(3, 1), torch.ones(1, 2))
unit = torch.normal(n_data)
sized = torch.normal(0., 1., size=(2, 3))
w = torch.tensor([[0.5], [-0.3]], requires_grad=True)
loss = ((x0 @ w - noise) ** 2).mean() + ((x1 @ w) ** 2).mean()
loss.backward()
