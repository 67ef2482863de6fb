"""A helper taking its device as a parameter (`def to_device(t, device): return t.to(device)`), called with
torch.device, a string and a keyword: placement never changes the numbers."""
import torch


def to_device(t, device):
    return t.to(device)


def scaled(t, factor, device="cpu"):
    return t.to(device) * factor


dev = torch.device("cpu")
w = torch.tensor([1.0, -2.0], requires_grad=True)
x = to_device(torch.tensor([0.5, 3.0]), dev)
y = scaled(x, 2.0, device=dev) + scaled(x, 0.5)
loss = (to_device(w, "cpu") * y).sum()
loss.backward()
gw = w.grad
