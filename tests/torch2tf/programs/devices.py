"""Device handling of the tutorials on a machine without a GPU: torch.device, cuda/accelerator availability,
set_default_device, device= arguments and .to(device) / .to(device, dtype) / .cpu(): none changes a number."""
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
accelerator = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
torch.set_default_device(accelerator)
on_gpu = torch.cuda.is_available()

x = torch.linspace(-1.0, 1.0, 5, device=device, dtype=torch.float32)
w = torch.tensor([0.5, -0.25], device=device, requires_grad=True)
features = torch.stack([x, x * x], dim=1).to(device)
target = (x * 2.0).to(device, torch.float64)
pred = features @ w
loss = ((pred.to(torch.float64) - target) ** 2).sum()
loss.backward()
gw = w.grad.cpu()
