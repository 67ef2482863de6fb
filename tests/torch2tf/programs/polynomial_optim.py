"""The cubic fit again, with torch.optim: SGD with momentum, then Adam and RMSprop on fresh coefficients.

The target has a component along every power, so no gradient comes near Adam's or RMSprop's epsilon (TG506).
"""
import torch

x = torch.linspace(-1.5, 1.5, 200)  # x ** 3 up to 3.4: u.grad is not a large multiple of u's float32 noise
y = torch.sin(x) + 0.5 + 0.1 * x ** 2

w = torch.zeros(4, requires_grad=True)
powers = torch.stack([x ** 0, x, x ** 2, x ** 3], dim=1)
optimizer = torch.optim.SGD([w], lr=1e-3, momentum=0.9)
for t in range(50):
    loss = ((powers * w).sum(dim=1) - y).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
sgd_w = w.detach().clone()

v = torch.zeros(4, requires_grad=True)
u = torch.zeros(4, requires_grad=True)
adam = torch.optim.Adam([v], lr=0.01, betas=(0.8, 0.99))
rms = torch.optim.RMSprop([u], lr=0.01, alpha=0.9)
for t in range(30):
    adam.zero_grad()
    rms.zero_grad()
    loss_v = ((powers * v).sum(dim=1) - y).pow(2).mean()
    loss_u = ((powers * u).sum(dim=1) - y).pow(2).mean()
    loss_v.backward()
    loss_u.backward()
    adam.step()
    rms.step()
adam_v = v.detach().clone()
rms_u = u.detach().clone()
