# Gradient descent printing its leaf with a format spec (tejas' autograd tutorial): torch formats a 0-d tensor by
# its value.
import torch

X = torch.tensor([1.0, 2.0, 3.0, 4.0])
Y = 2.0 * X
w = torch.tensor(0.0, requires_grad=True)
lines = []
for epoch in range(3):
    loss = ((w * X - Y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    w.grad.zero_()
    lines.append(f"epoch {epoch + 1}: w = {w:.3f}, loss = {loss:.8f}")
    print(lines[-1])
