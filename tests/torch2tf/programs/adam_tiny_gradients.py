"""Adam on a gradient near its epsilon: Keras adds epsilon before the bias correction, torch after it (D3)."""
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
opt = torch.optim.Adam([w], lr=1.0, betas=(0.9, 0.99), eps=1e-8)
for step in range(5):
    opt.zero_grad()
    loss = (w * torch.tensor([1e-7, 0.5])).sum()
    loss.backward()
    opt.step()
final = w.detach().clone()
